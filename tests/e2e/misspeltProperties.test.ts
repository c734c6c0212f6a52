/**
 * A misspelt property in a JavaScript program (where no type checker helps)
 * must fail `pulumi preview` naming it, with the closest known name, and send
 * nothing to AGB.
 */
import path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { StackFixture } from "../support/stackFixture";
import { cleanSuite, E2E_API_KEY } from "./support/e2eSupport";

jest.setTimeout(120_000);

const SUITE = "e2e-misspelt";
const PROJECT = "agb-e2e-misspelt";
let emulator: RunningEmulator;

beforeAll(async () => {
  cleanSuite(SUITE, PROJECT);
  emulator = await startEmulator({ apiKey: E2E_API_KEY });
});
afterAll(() => emulator?.close());

test.each([
  ["Session", /typo-session.*unknown property "lables" \(did you mean "labels"\?\)/],
  ["SessionLabels", /typo-labels.*unknown property "sesionId" \(did you mean "sessionId"\?\)/],
])("preview refuses a misspelt property of %s, suggesting the right name, with 0 requests", async (resource, expected) => {
  const stack = new StackFixture({
    suite: SUITE,
    project: PROJECT,
    example: "basic",
    programPath: path.join(__dirname, "programs", "misspeltProperties.js"),
    stack: `typo-${resource.toLowerCase()}`,
    config: { "agb:endpoint": emulator.url, resource },
    secretConfig: { "agb:apiKey": E2E_API_KEY },
  });
  const preview = await stack.run("preview");
  expect(preview.ok).toBe(false);
  expect(`${preview.error ?? ""}\n${preview.log}`).toMatch(expected);
  expect(emulator.stats()).toEqual({});
});
