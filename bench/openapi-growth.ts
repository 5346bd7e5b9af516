// OpenAPI import growth: time per operation for synthetic documents of 500 to 4 000 operations (each with its own
// schemas, parameters, a body, errors and refs); the 4 000 figure beside the 500 one. Import only, in memory.
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { parseOpenApi } from "../generator/openapi/document.js";
import { importDocument } from "../generator/openapi/import.js";
import { manifestText } from "../generator/openapi/manifest-text.js";
import { printRows, type Row } from "./report.js";

const SIZES = [500, 1_000, 2_000, 4_000];

/** An OpenAPI 3.0 document with `operationCount` operations over as many schemas, tagged in groups of 20. */
export function syntheticDocument(operationCount: number): string {
  const schemas: Record<string, unknown> = {
    Problem: { type: "object", required: ["message"], properties: { message: { type: "string" }, code: { type: "string" } } },
  };
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < operationCount; i++) {
    schemas[`Thing${i}`] = {
      type: "object",
      required: ["id"],
      properties: {
        id: { type: "string" },
        name: { type: "string", maxLength: 80 },
        state: { type: "string", enum: ["on", "off"] },
        created_at: { type: "string", format: "date-time" },
        ...(i > 0 ? { parent: { $ref: `#/components/schemas/Thing${Math.floor(i / 2)}` } } : {}),
        meta: { type: "object", properties: { note: { type: "string" } } },
      },
    };
    paths[`/groups/${Math.floor(i / 20)}/things${i}/{thing_id}`] = {
      parameters: [{ name: "thing_id", in: "path", required: true, schema: { type: "string" } }],
      put: {
        operationId: `putThing${i}`,
        tags: [`group${Math.floor(i / 20)}`],
        parameters: [{ name: "dry_run", in: "query", schema: { type: "boolean" } }],
        requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/Thing${i}` } } } },
        responses: {
          "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/Thing${i}` } } } },
          "404": { description: "Not found", content: { "application/json": { schema: { $ref: "#/components/schemas/Problem" } } } },
        },
      },
    };
  }
  return stringify({ openapi: "3.0.3", info: { title: "Synthetic API", version: "1" }, servers: [{ url: "https://api.example.com" }], paths, components: { schemas } });
}

/** Milliseconds to read, import and write as YAML the synthetic document of `operationCount` operations. */
function timeImport(text: string): number {
  const started = performance.now();
  const { manifest } = importDocument(parseOpenApi(text, "synthetic.yaml"));
  manifestText(manifest, "");
  return performance.now() - started;
}

export async function benchOpenApiGrowth(): Promise<boolean> {
  const documents = SIZES.map((size) => syntheticDocument(size));
  timeImport(documents[0]!); // warm up the JIT at the first size
  const perOperation = documents.map((text, index) => timeImport(text) / SIZES[index]!);
  const rows: Row[] = SIZES.map((size, index) => ({
    name: `import-openapi, time per operation at ${size} operations`,
    ours: perOperation[index]! * 1000,
    reference: perOperation[0]! * 1000,
    unit: "µs",
    referenceName: `at ${SIZES[0]} operations`,
    better: "lower",
    // Linear growth: the largest document costs at most 1.5 times as much per operation as the smallest.
    target: size === SIZES.at(-1) ? 1.5 : undefined,
  }));
  const met = printRows("OpenAPI import growth (synthetic documents, in memory)", rows);
  console.log(`  ${SIZES.at(-1)} operations: ${((perOperation.at(-1)! * SIZES.at(-1)!) / 1000).toFixed(2)} s to read, import and write`);
  return met;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchOpenApiGrowth();
