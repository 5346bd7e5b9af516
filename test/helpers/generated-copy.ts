import { cp, mkdtemp, readFile, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./cli.js";

type Package = typeof import("../../generated/index.js");

export interface GeneratedCopy {
  /** The folder holding the copy (generated/) and the link to runtime/; the caller removes it. */
  dir: string;
  /** Imports the copy's index.ts: its own module instances, apart from generated/'s. */
  load(): Promise<Package>;
  /** Puts a removed file back. */
  restore(file: string): Promise<void>;
}

/**
 * A copy of generated/ beside a link to runtime/, with `missing` files (paths relative to generated/) removed: how a
 * test shows what a package needs, and does not need, to load.
 */
export async function generatedCopyWithout(missing: string[], prefix: string): Promise<GeneratedCopy> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await cp(path.join(repoRoot, "generated"), path.join(dir, "generated"), { recursive: true });
  await symlink(path.join(repoRoot, "runtime"), path.join(dir, "runtime"), "dir");
  const kept = new Map<string, string>();
  for (const file of missing) {
    const where = path.join(dir, "generated", file);
    kept.set(file, await readFile(where, "utf8"));
    await unlink(where);
  }
  return {
    dir,
    load: () => import(pathToFileURL(path.join(dir, "generated/index.ts")).href) as Promise<Package>,
    restore: (file) => writeFile(path.join(dir, "generated", file), kept.get(file)!),
  };
}
