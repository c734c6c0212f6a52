import fs from "node:fs";
import path from "node:path";

/**
 * Removes the empty `.attrs` sidecars a kill can leave in a file:// state
 * backend, and returns their paths (docs/recovery.md, "failed to load
 * checkpoint: EOF").
 *
 * The file backend (gocloud.dev fileblob) writes a checkpoint to a temporary
 * file, then creates and fills `<stack>.json.attrs` in place, then renames the
 * checkpoint over the old one. A SIGKILL between the sidecar's create and its
 * write leaves it empty next to a whole checkpoint (the previous one), and
 * every later command fails to decode it. A missing sidecar reads as default
 * attributes, so removing an empty one is the whole repair; a user does the
 * same by hand. Only empty sidecars are touched: anything else is not this
 * failure and is left for the test to see.
 */
export function removeCutSidecars(stateDir: string): string[] {
  const stacks = path.join(stateDir, ".pulumi", "stacks");
  if (!fs.existsSync(stacks)) return [];
  const removed: string[] = [];
  for (const entry of fs.readdirSync(stacks, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".attrs")) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.statSync(file).size !== 0) continue;
    fs.rmSync(file);
    removed.push(path.relative(stateDir, file));
  }
  return removed;
}
