// The whole Schematic API (specs/schematic-openapi.yaml, 268 operations) imported, generated and used as a
// package: generation and --check time, import and client-building time beside the 9-operation package, and the
// type-check time of a tiny app, each beside its reference.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { build } from "esbuild";
import { median, printRows } from "./report.js";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const DOCUMENT = path.join(repoRoot, "specs/schematic-openapi.yaml");
/** The Schematic manifest as it was before the whole API: 9 operations in one file, the reference of the figures. */
const NINE_OPERATIONS = path.join(repoRoot, "test/fixtures/schematic-9-operations.yaml");
/** Fresh processes per import figure; the kinds alternate so that drift in machine load hits them alike. */
const PROCESSES = 7;
/** Whole-API generations (and hey-api's) whose median is compared: one run of each is at the mercy of the machine. */
const GENERATIONS = 3;

interface Ran {
  ms: number;
  stdout: string;
}

/** Runs a command to completion (bounded), typed in `typedIn` (npm's INIT_CWD), and times it. Throws if it fails. */
function timed(file: string, args: string[], typedIn: string, timeoutMs = 300_000): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, INIT_CWD: typedIn } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(args[2] ?? file)} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ ms: performance.now() - started, stdout });
    });
  });
}

/** A command of the generator as `npm run <command>` runs it (generator/launch.mjs). */
const launch = (command: string, args: string[], typedIn: string) => timed(process.execPath, [path.join(repoRoot, "generator/launch.mjs"), command, ...args], typedIn);
const generator = (args: string[], typedIn: string) => launch("generate", [...args, "--timings"], typedIn);
/** The `--timings` line of the generator: "load 380 ms, validate 99 ms, …". */
const stagesOf = (stdout: string) => stdout.split("\n").find((line) => line.startsWith("load ")) ?? "(no timings)";

/** Bundles a generated package's src/index.ts as `npm run build` bundles this repository's (undici external). */
async function bundle(sourceDir: string, outDir: string): Promise<string> {
  await build({
    entryPoints: [path.join(sourceDir, "index.ts")],
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["undici"],
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    outdir: outDir,
    logLevel: "warning",
  });
  await writeFile(path.join(outDir, "package.json"), '{ "type": "module" }\n');
  return path.join(outDir, "index.js");
}

/** In a fresh Node process: milliseconds `import(url)` takes, and microseconds one `new SchematicClient(...)` takes. */
async function importAndBuild(url: string): Promise<{ importMs: number; buildUs: number }> {
  const script = `const started = performance.now(); const m = await import(${JSON.stringify(url)}); const imported = performance.now();
// 1000 clients: the total in ms is the time of one in µs.
if (m.SchematicClient) { for (let i = 0; i < 1000; i++) new m.SchematicClient({ apiKey: "sk_bench_key" }); }
console.log(JSON.stringify({ importMs: imported - started, buildUs: m.SchematicClient ? (performance.now() - imported) : 0 }));`;
  const { stdout } = await timed(process.execPath, ["--input-type=module", "--eval", script], repoRoot, 30_000);
  return JSON.parse(stdout.trim()) as { importMs: number; buildUs: number };
}

/**
 * In a fresh Node process with a local server: microseconds of a resource's first call (its operations chunk loads;
 * undici and the codecs are loaded by a call of another resource before) and of its second call.
 */
async function firstCall(url: string): Promise<{ firstUs: number; secondUs: number }> {
  const script = `import { createServer } from "node:http";
const server = createServer((req, res) => { res.setHeader("content-type", "application/json"); res.end('{"data":{"count":1}}'); });
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { SchematicClient } = await import(${JSON.stringify(url)});
const client = new SchematicClient({ apiKey: "sk_bench_key", baseUrl: "http://127.0.0.1:" + server.address().port });
await client.plans.countPlans();
const t0 = performance.now(); await client.companies.countCompanies();
const t1 = performance.now(); await client.companies.countCompanies();
const t2 = performance.now();
server.close(); await client.close?.();
console.log(JSON.stringify({ firstUs: (t1 - t0) * 1000, secondUs: (t2 - t1) * 1000 }));`;
  const { stdout } = await timed(process.execPath, ["--input-type=module", "--eval", script], repoRoot, 30_000);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { firstUs: number; secondUs: number };
}

/** Milliseconds `tsc --noEmit` takes on a tiny app that imports the package whose sources are in `sourceDir`. */
async function typeCheckMs(appDir: string, sourceDir: string): Promise<number> {
  await mkdir(appDir, { recursive: true });
  const entry = path.relative(appDir, path.join(sourceDir, "index.js")).split(path.sep).join("/");
  await writeFile(path.join(appDir, "package.json"), '{ "type": "module" }\n');
  await writeFile(
    path.join(appDir, "app.ts"),
    `import { SchematicClient, SchematicSyncClient } from "${entry}";\n` +
      `const client = new SchematicClient({ apiKey: process.env.API_KEY! });\n` +
      `const sync = new SchematicSyncClient({ apiKey: process.env.API_KEY! });\n` +
      `console.log(Object.keys(client.companies), Object.keys(sync.companies));\n`,
  );
  const compilerOptions = { strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], skipLibCheck: true, noEmit: true };
  await writeFile(path.join(appDir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["app.ts"] }));
  const { ms } = await timed(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", appDir], appDir);
  return ms;
}

export async function benchSchematic(): Promise<boolean> {
  const dir = await mkdtemp(path.join(tmpdir(), "sdk-schematic-"));
  try {
    // Package-mode output resolves undici and @types/node from here, as an installed package would.
    await symlink(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
    const manifest = path.join(dir, "manifest.yaml");
    await launch("import-openapi", [DOCUMENT, "--manifest", manifest, "--envelope", "data"], dir);

    // The 9-operation manifest as a package too, so that both are built, bundled and checked the same way.
    const small = await generator(["--manifest", NINE_OPERATIONS, "--out", path.join(dir, "sdk9")], dir);
    // Generation beside hey-api: each GENERATIONS times into a new folder, the two alternating; the medians compared.
    const heyApiBin = path.join(repoRoot, "node_modules/@hey-api/openapi-ts/bin/run.js");
    const colds: Ran[] = [];
    const heyApis: Ran[] = [];
    for (let i = 0; i < GENERATIONS; i++) {
      colds.push(await generator(["--manifest", manifest, "--out", path.join(dir, i === 0 ? "sdk" : `sdk-${i}`)], dir));
      if (existsSync(heyApiBin)) heyApis.push(await timed(process.execPath, [heyApiBin, "-i", DOCUMENT, "-o", path.join(dir, `hey-api-${i}`), "--no-log-file", "-s"], dir));
    }
    const cold = colds.sort((a, b) => a.ms - b.ms)[GENERATIONS >> 1]!;
    const heyApi = heyApis.length === 0 ? undefined : { ms: median(heyApis.map((run) => run.ms)) };
    const check = await generator(["--manifest", manifest, "--out", path.join(dir, "sdk"), "--check"], dir);
    const smallCheck = await generator(["--manifest", NINE_OPERATIONS, "--out", path.join(dir, "sdk9"), "--check"], dir);

    const whole = await bundle(path.join(dir, "sdk/src"), path.join(dir, "bundle"));
    const nine = await bundle(path.join(dir, "sdk9/src"), path.join(dir, "bundle9"));
    const undiciUrl = import.meta.resolve("undici");
    const runs = { whole: [] as { importMs: number; buildUs: number }[], nine: [] as { importMs: number; buildUs: number }[], undici: [] as number[] };
    for (let i = 0; i < PROCESSES; i++) {
      runs.whole.push(await importAndBuild(`file://${whole}`));
      runs.nine.push(await importAndBuild(`file://${nine}`));
      runs.undici.push((await importAndBuild(undiciUrl)).importMs);
    }
    const calls = [];
    for (let i = 0; i < PROCESSES; i++) calls.push(await firstCall(`file://${whole}`));
    const wholeTypeCheck = await typeCheckMs(path.join(dir, "app"), path.join(dir, "sdk/src"));
    const nineTypeCheck = await typeCheckMs(path.join(dir, "app9"), path.join(dir, "sdk9/src"));

    const generation = heyApi
      ? { reference: heyApi.ms, referenceName: "@hey-api/openapi-ts", target: 1 }
      : { reference: small.ms, referenceName: "9-operation manifest", target: undefined };
    const met = printRows("Whole Schematic API (268 operations; each figure a fresh process, timed from outside)", [
      { name: `generate (new folder: everything formatted; median of ${GENERATIONS})`, ours: cold.ms, ...generation, unit: "ms", better: "lower" },
      { name: "generate --check (format cache)", ours: check.ms, reference: smallCheck.ms, referenceName: "9-operation --check", unit: "ms", better: "lower", absoluteMax: 5_000 },
      {
        name: "import the bundled package",
        ours: median(runs.whole.map((r) => r.importMs)),
        reference: median(runs.nine.map((r) => r.importMs)),
        referenceName: "9-operation package",
        unit: "ms",
        better: "lower",
        target: 1.2,
      },
      {
        name: "  the same beside undici",
        ours: median(runs.whole.map((r) => r.importMs)),
        reference: median(runs.undici),
        referenceName: 'import("undici")',
        unit: "ms",
        better: "lower",
      },
      {
        name: "new SchematicClient(...)",
        ours: median(runs.whole.map((r) => r.buildUs)),
        reference: median(runs.nine.map((r) => r.buildUs)),
        referenceName: "9-operation package",
        unit: "µs",
        better: "lower",
        target: 1.2,
      },
      {
        name: "first call of a resource (its chunk loads)",
        ours: median(calls.map((c) => c.firstUs)),
        reference: median(calls.map((c) => c.secondUs)),
        referenceName: "its second call",
        unit: "µs",
        better: "lower",
      },
      { name: "tsc --noEmit of a tiny app using it", ours: wholeTypeCheck, reference: nineTypeCheck, referenceName: "9-operation package", unit: "ms", better: "lower" },
    ]);
    console.log(`  stages of generate (new folder), ms: ${stagesOf(cold.stdout)}`);
    console.log(`  stages of --check, ms: ${stagesOf(check.stdout)}`);
    return met;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchSchematic();
