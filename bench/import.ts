// Import time of the built package beside undici's own, each in fresh processes: what a cold start pays.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { median, printRows } from "./report.js";

const run = promisify(execFile);
/** Fresh processes per figure; the two kinds alternate so that drift in machine load hits both alike. */
const PROCESSES = 7;

/** Milliseconds `import(url)` takes in a fresh Node process (process start-up itself not counted). */
async function importMs(url: string): Promise<number> {
  const script = `const started = performance.now(); await import(${JSON.stringify(url)}); console.log(performance.now() - started);`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "--eval", script], { timeout: 30_000 });
  return Number(stdout.trim());
}

export async function benchImport(): Promise<boolean> {
  const packageUrl = new URL("../dist/bundle/index.js", import.meta.url).href;
  const undiciUrl = import.meta.resolve("undici");
  const ours: number[] = [];
  const undici: number[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    ours.push(await importMs(packageUrl));
    undici.push(await importMs(undiciUrl));
  }
  return printRows(`Import (median of ${PROCESSES} fresh processes each)`, [
    {
      name: "import the package (undici loads on first request)",
      ours: median(ours),
      reference: median(undici),
      unit: "ms",
      referenceName: 'import("undici")',
      better: "lower",
      target: 0.25,
    },
  ]);
}
