/**
 * `projectIn(...).pulumi(args, { timeoutMs })` ends the CLI and everything it
 * started (a language host, a plugin), not the CLI alone: the benchmark's
 * plugin path relies on it to leave no process behind. A stand-in `pulumi`
 * that starts a child and waits is enough to see it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectIn } from "../../tools/pulumi-driver/cliProjects";
import { isAlive } from "../../tools/pulumi-driver/processTree";

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "agb-cli-timeout-"));
  fs.writeFileSync(path.join(dir, "pulumi"), `#!/bin/sh\nsleep 300 &\necho $! > "${dir}/child.pid"\nwait\n`, { mode: 0o755 });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it("ends the CLI and its children when the timeout passes, and says it timed out", async () => {
  const started: number[] = [];
  const result = await projectIn(dir, dir, { PATH: process.env.PATH ?? "" }).pulumi(["up"], { timeoutMs: 500, onStart: (pid) => started.push(pid) });
  expect(result.timedOut).toBe(true);
  expect(result.code).not.toBe(0);
  expect(started).toHaveLength(1);
  const child = Number(fs.readFileSync(path.join(dir, "child.pid"), "utf8"));
  for (let i = 0; i < 30 && isAlive(child); i++) await new Promise((r) => setTimeout(r, 100));
  expect(isAlive(child)).toBe(false);
  expect(isAlive(started[0])).toBe(false);
});

it("reports a command that ends in time as not timed out", async () => {
  fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\necho ok\n", { mode: 0o755 });
  const result = await projectIn(dir, dir, { PATH: process.env.PATH ?? "" }).pulumi(["version"], { timeoutMs: 10_000 });
  expect(result).toMatchObject({ code: 0, timedOut: false, stdout: "ok\n" });
});
