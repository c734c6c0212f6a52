/* eslint-disable @typescript-eslint/no-explicit-any */
import * as grpc from "@grpc/grpc-js";
import * as provider from "@pulumi/pulumi/provider";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { configureRuntime } from "../runtime/runtimeState";
import { agbPlugin } from "./agbPlugin";
import { containsUnknown, isUnknown } from "../runtime/unknowns";
import { revealed } from "./secretValues";
import { configureSecretConfig, secretConfigKeys } from "./secretConfig";
import { markProtoKeys } from "./markProtoKeys";

type Callback = (error: unknown, value?: unknown) => void;
type Handler = (call: { request: any }, callback: Callback) => void;

/**
 * Serves the plugin with `provider.main`, amending the two calls its server
 * does not carry: `Configure` (it answers without reading the provider's
 * config, so `agb:*` would never reach the runtime) and `Diff` (it drops
 * `detailedDiff`). Both amendments hand over to the same runtime as the rest.
 * Every request's bytes pass through markProtoKeys before they are decoded.
 */
export async function servePlugin(version: string, schema: string, args: string[]): Promise<void> {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: grpc.Server, service: grpc.ServiceDefinition, implementation: any) {
    if (!("configure" in service && "diff" in service)) return addService.call(this, service, implementation);
    implementation.configure = configure;
    implementation.diff = diff;
    const marking = Object.fromEntries(
      Object.entries(service).map(([name, method]) => [
        name,
        { ...method, requestDeserialize: (bytes: Buffer) => method.requestDeserialize(markProtoKeys(bytes)) },
      ]),
    ) as grpc.ServiceDefinition;
    return addService.call(this, marking, implementation);
  } as typeof addService;
  await provider.main(
    {
      version,
      schema,
      check: agbPlugin.check,
      diff: agbPlugin.diff,
      create: agbPlugin.create,
      read: agbPlugin.read,
      update: agbPlugin.update,
      delete: agbPlugin.delete,
      invoke: agbPlugin.invoke,
    },
    args,
  );
}

/**
 * Provider config reaches the plugin as `agb:config:<key>` variables (plain
 * text, secrets included) and as `args` (`<key>`, secrets wrapped); the
 * runtime reads `agb:<key>`, as the dynamic provider's configure hands it.
 */
export function providerConfig(variables: ReadonlyMap<string, string>, args: Record<string, unknown> | undefined): Map<string, string> {
  const config = new Map<string, string>();
  for (const [key, value] of Object.entries(args ?? {})) {
    const plain = revealed(value).value;
    // A value not known yet (an explicit provider fed by another resource's output, in a preview) is no value.
    if (plain === undefined || plain === null || containsUnknown(plain)) continue;
    config.set(`agb:${key}`, typeof plain === "string" ? plain : JSON.stringify(plain));
  }
  for (const [key, value] of variables) if (!isUnknown(value)) config.set(key.replace(/^agb:config:/, "agb:"), value);
  return config;
}

const configure: Handler = (call, callback) => {
  try {
    const variables = new Map<string, string>(call.request.getVariablesMap().toArray());
    const args = call.request.getArgs()?.toJavaScript();
    const config = providerConfig(variables, args);
    configureRuntime({ get: (key) => config.get(key) });
    configureSecretConfig(secretConfigKeys(args));
    const response = new provproto.ConfigureResponse();
    response.setAcceptsecrets(true);
    response.setAcceptresources(true);
    response.setSupportspreview(false);
    callback(undefined, response);
  } catch (error) {
    callback(error);
  }
};

const diff: Handler = (call, callback) => {
  const request = call.request;
  agbPlugin
    .diff(request.getId(), request.getUrn(), request.getOlds().toJavaScript(), request.getNews().toJavaScript())
    .then((result) => {
      const response = new provproto.DiffResponse();
      const changes = provproto.DiffResponse.DiffChanges;
      response.setChanges(result.changes ? changes.DIFF_SOME : changes.DIFF_NONE);
      response.setReplacesList(result.replaces ?? []);
      response.setDeletebeforereplace(result.deleteBeforeReplace ?? false);
      response.setDiffsList(Object.keys(result.detailedDiff));
      response.setHasdetaileddiff(true);
      const details = response.getDetaileddiffMap();
      for (const [key, kind] of Object.entries(result.detailedDiff)) {
        const property = new provproto.PropertyDiff();
        property.setKind(kind as provproto.PropertyDiff.Kind);
        property.setInputdiff(true);
        details.set(key, property);
      }
      callback(undefined, response);
    })
    .catch((error: unknown) => callback(error));
};
