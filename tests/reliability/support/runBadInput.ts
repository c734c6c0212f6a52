import { configureRuntime } from "../../../provider/runtime/runtimeState";
import { sessionProviderImpl } from "../../../provider/runtime/sessionProviderImpl";
import { sessionLabelsProviderImpl } from "../../../provider/runtime/sessionLabelsProviderImpl";
import type { BadInputCase } from "../../fixtures/badInputs";

export interface BadInputResult {
  name: string;
  resource: BadInputCase["resource"];
  expected: string;
  /** Properties named by the failures. */
  properties: string[];
  /** First reason, cut to 160 characters. */
  reason: string;
  threw?: string;
  /** A failure names the expected property and nothing threw. */
  ok: boolean;
}

/** Runs one case through the provider's check, as the engine would. */
export async function runBadInput(c: BadInputCase): Promise<BadInputResult> {
  const impl = c.resource === "Session" ? sessionProviderImpl : sessionLabelsProviderImpl;
  try {
    const result = await impl.check({}, c.inputs());
    const failures = result.failures ?? [];
    const properties = failures.map((f) => f.property);
    const named = failures.find((f) => f.property === c.property);
    return {
      name: c.name,
      resource: c.resource,
      expected: c.property,
      properties,
      reason: (named ?? failures[0])?.reason.slice(0, 160) ?? "",
      ok: named !== undefined && named.reason.trim().length > 0,
    };
  } catch (error) {
    return {
      name: c.name,
      resource: c.resource,
      expected: c.property,
      properties: [],
      reason: "",
      threw: error instanceof Error ? error.message : String(error),
      ok: false,
    };
  }
}

/** Points the provider runtime at an endpoint, as `configure` does in the provider process. */
export function configureProviderRuntime(endpoint: string, extra: Record<string, string> = {}): void {
  const config: Record<string, string> = { "agb:endpoint": endpoint, "agb:apiKey": "akm-reliability-test", ...extra };
  configureRuntime({ get: (key) => config[key] });
}
