/* eslint-disable @typescript-eslint/no-require-imports */
import type * as pulumi from "@pulumi/pulumi";

/**
 * The providers Pulumi serializes into every resource's state. Each method
 * only loads the implementation from the installed package by name, so the
 * serialized text stays under a kilobyte, never captures a credential or a
 * socket, and always runs the installed code (not code frozen in old state).
 * Nothing from module scope may be referenced in these bodies but the module
 * name: anything else would be serialized along with them.
 */
const RUNTIME_MODULE = "pulumi-agb/dist/provider/runtime";

export const sessionProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => require(RUNTIME_MODULE).configure(req.config),
  check: (olds, news) => require(RUNTIME_MODULE).session.check(olds, news),
  diff: (id, olds, news) => require(RUNTIME_MODULE).session.diff(id, olds, news),
  create: (inputs) => require(RUNTIME_MODULE).session.create(inputs),
  read: (id, props) => require(RUNTIME_MODULE).session.read(id, props),
  update: (id, olds, news) => require(RUNTIME_MODULE).session.update(id, olds, news),
  delete: (id, props) => require(RUNTIME_MODULE).session.delete(id, props),
};

export const sessionLabelsProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => require(RUNTIME_MODULE).configure(req.config),
  check: (olds, news) => require(RUNTIME_MODULE).sessionLabels.check(olds, news),
  diff: (id, olds, news) => require(RUNTIME_MODULE).sessionLabels.diff(id, olds, news),
  create: (inputs) => require(RUNTIME_MODULE).sessionLabels.create(inputs),
  read: (id, props) => require(RUNTIME_MODULE).sessionLabels.read(id, props),
  update: (id, olds, news) => require(RUNTIME_MODULE).sessionLabels.update(id, olds, news),
  delete: (id, props) => require(RUNTIME_MODULE).sessionLabels.delete(id, props),
};
