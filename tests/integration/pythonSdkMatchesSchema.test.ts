/**
 * The committed sdk/python is what the agb plugin's schema generates (the CI
 * check: `npm run check-sdk` is the same comparison), and its version is the
 * package's. `npm run gen-sdk` regenerates it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { pluginSchema } from "../../codegen/pluginSchema";

jest.setTimeout(600_000);

const SDK = path.join(REPO_ROOT, "sdk", "python");
const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };

let sdkgen: string;
let scratch: string;
let schemaFile: string;

beforeAll(() => {
  sdkgen = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-sdkgen.sh")], { encoding: "utf8" }).trim().split("\n").pop()!;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "agb-sdk-check-"));
  schemaFile = path.join(scratch, "schema.json");
  fs.writeFileSync(schemaFile, JSON.stringify(pluginSchema(REPO_ROOT, version)));
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function check(dir: string) {
  return spawnSync(sdkgen, ["-schema", schemaFile, "-version", version, "-out", dir, "-check"], { encoding: "utf8" });
}

describe("sdk/python", () => {
  it("is exactly what the schema generates", () => {
    const result = check(SDK);
    expect(`${result.stdout}${result.stderr}`).toMatch(/matches/);
    expect(result.status).toBe(0);
  });

  it("carries the package's version, so a program asks the engine for the plugin at that version", () => {
    expect(JSON.parse(fs.readFileSync(path.join(SDK, "pulumi_agb", "pulumi-plugin.json"), "utf8"))).toMatchObject({
      resource: true,
      name: "agb",
      version,
    });
    expect(fs.readFileSync(path.join(SDK, "setup.py"), "utf8")).toContain(`VERSION = "${version}"`);
  });

  it("the check fails on a hand edit, a stray file and a missing file, naming each", () => {
    const copy = path.join(scratch, "edited");
    fs.cpSync(SDK, copy, { recursive: true });
    fs.appendFileSync(path.join(copy, "pulumi_agb", "session.py"), "# edited by hand\n");
    fs.writeFileSync(path.join(copy, "pulumi_agb", "stray.py"), "");
    fs.rmSync(path.join(copy, "pulumi_agb", "outputs.py"));
    const result = check(copy);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("changed: pulumi_agb/session.py");
    expect(result.stderr).toContain("extra:   pulumi_agb/stray.py");
    expect(result.stderr).toContain("missing: pulumi_agb/outputs.py");
  });
});
