// Generator growth: time per type for synthetic manifests of 1k, 2k, 4k and 8k types; the 8k figure beside the 1k one.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { generate } from "../generator/pipeline.js";
import { printRows, type Row } from "./report.js";

const SIZES = [1_000, 2_000, 4_000, 8_000];
const TYPES_PER_RESOURCE = 20;

/**
 * A valid manifest with `typeCount` object types, each with a few fields that reference earlier types, and one
 * resource per TYPES_PER_RESOURCE types whose operations read and write them.
 */
export function syntheticManifest(typeCount: number): string {
  const lines = [
    "name: Synthetic",
    "title: Synthetic API",
    'version: "1"',
    "package: synthetic-sdk",
    "defaultServer: main",
    "servers:",
    "  main: { url: https://api.example.com, option: baseUrl }",
    "auth: { header: X-Api-Key, option: apiKey }",
    "options:",
    "  timeoutMs: { default: 30000 }",
    "errors:",
    "  NotFoundError: { status: 404 }",
    "types:",
  ];
  const typeName = (i: number) => `Thing${i}`;
  for (let i = 0; i < typeCount; i++) {
    lines.push(
      `  ${typeName(i)}:`,
      `    description: Thing number ${i}.`,
      "    required: [thing_id, name]",
      "    properties:",
      "      thing_id: string",
      "      name: { type: string, description: A name. }",
      "      count: integer?",
      "      created_at: date-time?",
    );
    if (i > 0) lines.push(`      parent: ${typeName(Math.floor(i / 2))}?`, `      siblings: list<${typeName(i - 1)}>?`);
  }
  lines.push("resources:");
  for (let r = 0; r * TYPES_PER_RESOURCE < typeCount; r++) {
    const type = typeName(r * TYPES_PER_RESOURCE);
    lines.push(
      `  group${r}:`,
      `    description: Group ${r}.`,
      "    operations:",
      `      getThing${r}:`,
      "        method: GET",
      `        path: /groups/${r}/things/{thing_id}`,
      "        pathParams: { thing_id: string }",
      `        response: { status: 200, type: ${type} }`,
      `      listThings${r}:`,
      "        method: GET",
      `        path: /groups/${r}/things`,
      "        query: { limit: integer?, cursor: string? }",
      `        response: { status: 200, type: list<${type}> }`,
      `      putThing${r}:`,
      "        method: PUT",
      `        path: /groups/${r}/things`,
      `        body: ${type}`,
      `        response: { status: 200, type: ${type} }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Milliseconds to generate (in memory, no writing) the synthetic manifest of `typeCount` types. */
export async function timeGeneration(dir: string, typeCount: number): Promise<{ ms: number; timings: Record<string, number> }> {
  const manifestPath = path.join(dir, `synthetic-${typeCount}.yaml`);
  await writeFile(manifestPath, syntheticManifest(typeCount));
  const started = performance.now();
  const { timings } = await generate({ manifestPath, outDir: path.join(dir, "generated"), runtimeDir: path.join(dir, "runtime") });
  return { ms: performance.now() - started, timings };
}

export async function benchGeneratorGrowth(): Promise<boolean> {
  const dir = await mkdtemp(path.join(tmpdir(), "sdk-growth-"));
  try {
    await timeGeneration(dir, SIZES[0]!); // warm up the loaders, prettier's plugins and the JIT at the first size
    const perType: number[] = [];
    const rows: Row[] = [];
    const details: string[] = [];
    for (const size of SIZES) {
      const { ms, timings } = await timeGeneration(dir, size);
      perType.push(ms / size);
      const stages = Object.entries(timings).map(([stage, stageMs]) => `${stage} ${stageMs.toFixed(0)}`).join(", ");
      details.push(`  ${String(size).padStart(5)} types: ${(ms / 1000).toFixed(2)} s in all; stages in ms: ${stages}`);
    }
    for (const [index, size] of SIZES.entries()) {
      rows.push({
        name: `generate, time per type at ${size} types`,
        ours: perType[index]! * 1000,
        reference: perType[0]! * 1000,
        unit: "µs",
        referenceName: `at ${SIZES[0]} types`,
        better: "lower",
        // The target: 8k types cost at most 1.5 times as much per type as 1k.
        target: size === SIZES.at(-1) ? 1.5 : undefined,
      });
    }
    const met = printRows("Generator growth (synthetic manifests, in memory, no writing)", rows);
    for (const line of details) console.log(line);
    return met;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchGeneratorGrowth();
