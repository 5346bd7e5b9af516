import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run generate` as a maintainer would (without npm's own output), bounded in time, as if typed in the folder
 * `typedIn` (npm's INIT_CWD; by default the repository's root).
 */
export function runGenerator(args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = process.env, typedIn = repoRoot): Promise<CliResult> {
  return runNode([path.join(repoRoot, "generator/launch.mjs"), "generate", ...args], { timeoutMs, env, typedIn });
}

/** Runs `node ...args` from `cwd` (the repository's root) as if typed in `typedIn` (npm's INIT_CWD), bounded in time. */
export function runNode(
  args: string[],
  { cwd = repoRoot, typedIn = repoRoot, timeoutMs = 60_000, env = process.env }: { cwd?: string; typedIn?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // Typed where the caller says, whatever folder `npm test` itself was started in.
    const child = spawn(process.execPath, args, { cwd, timeout: timeoutMs, env: { ...env, INIT_CWD: typedIn } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file below a folder with a hash of its content and its modification time. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const hash = createHash("sha256").update(await readFile(full)).digest("hex");
        result[path.relative(dir, full)] = `${hash} ${(await stat(full)).mtimeMs}`;
      }
    }
  };
  await walk(dir);
  return result;
}
