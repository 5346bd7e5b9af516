// Unions in the manifest, the generator and the runtime: discriminated ones decode by their tag and keep a tag this
// SDK does not know (typed so that callers must handle it); the others pick the variant that fits a value best.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import ts from "typescript";
import { InvalidArgumentError } from "../runtime/errors.js";
import { objectCodec, unionCodec, type Codec } from "../runtime/codec.js";
import { discriminatedUnionCodec } from "../runtime/union-codec.js";
import { ArchiveClient, type DataExportMetadata } from "./fixtures/unions/expected/index.js";
import { emitSources } from "../generator/emit/index.js";
import { repoRoot } from "./helpers/cli.js";
import { irOf, lineOf, problems } from "./helpers/manifests.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 30_000 };
const fixtureDir = path.join(repoRoot, "test/fixtures/unions");
const lines = readFileSync(path.join(fixtureDir, "manifest.yaml"), "utf8").split("\n");

/** The unions fixture with the line holding `text` replaced (more lines allowed), and the number of that line. */
function withLine(text: string, replacement: string): string {
  const copy = [...lines];
  copy[lineOf(lines, text) - 1] = replacement;
  return copy.join("\n");
}
const line = (text: string) => lineOf(lines, text);
/** 1-based column of `part` in `lineText`. */
const column = (lineText: string, part: string) => lineText.indexOf(part) + 1;
/** `file:line:column` of `part` in the fixture's line holding `text`. */
const at = (text: string, part: string) => `manifest.yaml:${line(text)}:${column(lines[line(text) - 1]!, part)}`;

describe("checks of discriminators and consts", () => {
  it("accepts the unions fixture", () => {
    assert.deepEqual(problems(lines.join("\n")), []);
  });

  it("refuses a discriminator that is not beside oneOf", () => {
    const text = withLine("required: [kind, radius_cm]", "    discriminator: { field: kind }\n    required: [kind, radius_cm]");
    assert.deepEqual(problems(text), [`manifest.yaml:${line("required: [kind, radius_cm]")}:5: types.Circle.discriminator: discriminator is only allowed beside oneOf`]);
  });

  it("refuses a tag field that a variant lacks, with the close names", () => {
    const replacement = "      field: export_typ";
    const where = `manifest.yaml:${line("field: export_type")}:${column(replacement, "export_typ")}`;
    assert.deepEqual(problems(withLine("field: export_type", replacement)), [
      `${where}: types.DataExportMetadata.discriminator.field: "export_typ" is not a field of the variant "AuditLogExport" (did you mean "export_type" or "export_id"?)`,
      `${where}: types.DataExportMetadata.discriminator.field: "export_typ" is not a field of the variant "CompanyExport" (did you mean "export_type" or "export_id"?)`,
    ]);
  });

  it("refuses a tag field that is not a string", () => {
    const text = withLine("      export_type: string", "      export_type: integer");
    assert.deepEqual(problems(text), [
      `${at("field: export_type", "export_type")}: types.DataExportMetadata.discriminator.field: "export_type" of the variant "CompanyExport" must be a string field (it is "integer")`,
    ]);
  });

  it("refuses a tag field with another TypeScript name in one variant", () => {
    const text = withLine("kind: { type: string, const: square }", "      kind: { type: string, const: square, name: shapeKind }");
    assert.deepEqual(problems(text), [
      `${at("discriminator: { field: kind }", "kind")}: types.Shape.discriminator.field: "kind" needs one TypeScript name in every variant (Circle: kind, Square: shapeKind)`,
    ]);
  });

  it("refuses a mapping to a type that is not a variant, with the close names", () => {
    const replacement = "        company: CompanyExprt";
    assert.deepEqual(problems(withLine("company: CompanyExport", replacement)), [
      `${at("oneOf: [AuditLogExport, CompanyExport]", "CompanyExport")}: types.DataExportMetadata.oneOf.1: the variant "CompanyExport" has no tag value: give its field "export_type" a const, or map a value to it in the discriminator's mapping`,
      `manifest.yaml:${line("company: CompanyExport")}:${column(replacement, "CompanyExprt")}: types.DataExportMetadata.discriminator.mapping.company: "CompanyExprt" is not a variant of DataExportMetadata (did you mean "CompanyExport"?)`,
    ]);
  });

  it("refuses a mapping key that contradicts the variant's const", () => {
    const replacement = "        audit: AuditLogExport";
    assert.deepEqual(problems(withLine("audit-log: AuditLogExport", replacement)), [
      `manifest.yaml:${line("audit-log: AuditLogExport")}:${column(replacement, "AuditLogExport")}: types.DataExportMetadata.discriminator.mapping.audit: "AuditLogExport" has the const "audit-log" in "export_type", so its tag cannot be "audit"`,
    ]);
  });

  it("refuses a mapping key given twice (YAML keys are unique)", () => {
    const text = withLine("company: CompanyExport", "        company: CompanyExport\n        company: AuditLogExport");
    assert.deepEqual(problems(text), [`manifest.yaml:${line("company: CompanyExport") + 1}:9: invalid YAML: Map keys must be unique`]);
  });

  it("without a mapping, wants a const in every variant", () => {
    const text = withLine("kind: { type: string, const: square }", "      kind: string");
    assert.deepEqual(problems(text), [
      `${at("oneOf: [Circle, Square]", "Square")}: types.Shape.oneOf.1: the variant "Square" has no tag value: give its field "kind" a const, or map a value to it in the discriminator's mapping`,
    ]);
  });

  it("refuses a tag value that means two variants", () => {
    const text = withLine("kind: { type: string, const: square }", "      kind: { type: string, const: circle }");
    assert.deepEqual(problems(text), [
      `${at("oneOf: [Circle, Square]", "Square")}: types.Shape.oneOf.1: the tag value "circle" of "Square" already means "Circle"; each tag value means one variant`,
    ]);
  });

  it("refuses const on a field that is not a string", () => {
    const replacement = "      radius_cm: { type: number, const: five }";
    assert.deepEqual(problems(withLine("radius_cm: number", replacement)), [
      `manifest.yaml:${line("radius_cm: number")}:${column(replacement, "five")}: types.Circle.properties.radius_cm.const: const is only allowed on string fields (this one is "number")`,
    ]);
  });
});

describe("the union codecs", () => {
  interface Audit { exportType: "audit-log"; exportId: string; startTime?: Date }
  interface Company { exportType: string; exportId: string; companyCount?: number }
  type Unknown = { exportType?: undefined; unknownVariant: { tag: string | undefined; raw: Record<string, unknown> } };
  const audit = objectCodec<Audit>({ exportType: "export_type", exportId: "export_id", startTime: ["start_time", { toWire: (d: Date) => d.toISOString(), fromWire: (s) => new Date(s as string) }] });
  const company = objectCodec<Company>({ exportType: "export_type", exportId: "export_id", companyCount: "company_count" });
  const metadata = discriminatedUnionCodec<Audit | Company | Unknown>({
    wireTag: "export_type",
    tag: "exportType",
    variants: [
      ["audit-log", audit],
      ["company", () => company],
    ],
  });

  it("decode each variant by its tag, with all its fields", () => {
    assert.deepStrictEqual(metadata.fromWire({ export_type: "audit-log", export_id: "e1", start_time: "2025-01-02T00:00:00.000Z" }), {
      exportType: "audit-log",
      exportId: "e1",
      startTime: new Date("2025-01-02T00:00:00.000Z"),
    });
    // The tag alone decides: these fields would fit either variant.
    assert.deepStrictEqual(metadata.fromWire({ export_type: "company", export_id: "e2", company_count: 3 }), { exportType: "company", exportId: "e2", companyCount: 3 });
  });

  it("keep a value with an unknown tag as it was received, and send it back unchanged", () => {
    const wire = { export_type: "billing", export_id: "e3", invoice_total: { cents: 120 } };
    const decoded = metadata.fromWire(wire) as Unknown;
    assert.deepStrictEqual(decoded, { unknownVariant: { tag: "billing", raw: wire } });
    assert.equal(metadata.toWire(decoded), wire);
    // No tag, or one that is not a string, or one every object inherits: unknown too, never a wrong variant.
    assert.deepStrictEqual(metadata.fromWire({ export_id: "e4" }), { unknownVariant: { tag: undefined, raw: { export_id: "e4" } } });
    assert.deepStrictEqual(metadata.fromWire({ export_type: 7 }), { unknownVariant: { tag: undefined, raw: { export_type: 7 } } });
    const proto = JSON.parse('{"export_type": "__proto__"}') as Record<string, unknown>;
    assert.deepStrictEqual(metadata.fromWire(proto), { unknownVariant: { tag: "__proto__", raw: proto } });
  });

  it("encode a known variant with its codec, and refuse an unknown tag the caller made up", () => {
    assert.deepStrictEqual(metadata.toWire({ exportType: "audit-log", exportId: "e1", startTime: new Date("2025-01-02T00:00:00.000Z") }), {
      export_type: "audit-log",
      export_id: "e1",
      start_time: "2025-01-02T00:00:00.000Z",
    });
    const job = objectCodec<{ metadata: unknown }>({ metadata: ["metadata", metadata] });
    assert.throws(
      () => job.toWire({ metadata: { exportType: "billing", exportId: "e5" } }),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        error.message === '"metadata.exportType" must be one of "audit-log", "company" (a value received with an unknown tag is sent back as it is), got string "billing"',
    );
  });

  it("without a discriminator, prefer the variant that accounts for most of a value's fields, ties to the first listed", () => {
    type Person = { contactId: string; name: string };
    type Email = { contactId: string; name?: string; email?: string };
    const person: Codec<Person> = objectCodec<Person>({ contactId: "contact_id", name: "name" });
    const email: Codec<Email> = objectCodec<Email>({ contactId: "contact_id", name: "name", email: "email" });
    const contact = unionCodec<Person | Email>([
      { required: ["contactId", "name"], requiredWire: ["contact_id", "name"], codec: person },
      { required: ["contactId"], requiredWire: ["contact_id"], codec: () => email },
    ]);
    // Both variants have all their required fields; only Email knows "email", so Email keeps it.
    assert.deepStrictEqual(contact.fromWire({ contact_id: "c1", name: "Ada", email: "ada@example.com" }), { contactId: "c1", name: "Ada", email: "ada@example.com" });
    assert.deepStrictEqual(contact.toWire({ contactId: "c1", name: "Ada", email: "ada@example.com" }), { contact_id: "c1", name: "Ada", email: "ada@example.com" });
    // Both account for every field: the first listed wins, whichever it is.
    const chosen: string[] = [];
    const spy = (name: string, codec: Codec<any>): Codec<any> => ({ ...codec, fromWire: (wire) => (chosen.push(name), codec.fromWire(wire)) });
    unionCodec([
      { required: ["contactId"], requiredWire: ["contact_id"], codec: spy("email", email) },
      { required: ["contactId", "name"], requiredWire: ["contact_id", "name"], codec: spy("person", person) },
    ]).fromWire({ contact_id: "c2", name: "Bo" });
    unionCodec([
      { required: ["contactId", "name"], requiredWire: ["contact_id", "name"], codec: spy("person", person) },
      { required: ["contactId"], requiredWire: ["contact_id"], codec: spy("email", email) },
    ]).fromWire({ contact_id: "c2", name: "Bo" });
    assert.deepEqual(chosen, ["email", "person"]);
  });
});

/** The wire objects the test server answers with, by path. */
const WIRE: Record<string, unknown> = {
  "/exports/e1": { export_type: "audit-log", export_id: "e1", start_time: "2025-01-02T03:04:05.000Z", actor_ids: ["u1", "u2"] },
  "/exports/e2": { export_type: "company", export_id: "e2", company_count: 12, created_at: "2025-02-01T00:00:00.000Z" },
  // A variant added on the server after the SDK was generated.
  "/exports/e3": { export_type: "billing", export_id: "e3", invoice: { total_cents: 1200, lines: [1, 2] } },
  "/shapes/s1": { kind: "square", side_cm: 2.5 },
  "/contacts/c1": { contact_id: "c1", name: "Ada", email: "ada@example.com", verified_at: "2025-03-01T00:00:00.000Z" },
  "/contacts/c2": { contact_id: "c2", name: "Bo" },
};

/** What the tests do with a client, the same for both: plain data in and out, so the sync client's thread can run it. */
interface ArchiveCalls {
  getExport(exportId: string): Promise<unknown>;
  getShape(shapeId: string): Promise<unknown>;
  getContact(contactId: string): Promise<unknown>;
  createExportJob(job: unknown): Promise<unknown>;
  dispose(): Promise<void>;
}

function asyncCalls(baseUrl: string): ArchiveCalls {
  const client = new ArchiveClient({ baseUrl, maxRetries: 0 });
  return {
    getExport: (exportId) => client.exports.getExport({ exportId }),
    getShape: (shapeId) => client.shapes.getShape({ shapeId }),
    getContact: (contactId) => client.contacts.getContact({ contactId }),
    createExportJob: (job) => client.exports.createExportJob(job as never),
    dispose: async () => undefined,
  };
}

// The sync client blocks the thread it runs in, so it runs in a thread of its own, away from the test server.
const SYNC_THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const { register } = await import("tsx/esm/api");
  register();
  const { ArchiveSyncClient } = await import(workerData.sdk);
  const client = new ArchiveSyncClient({ baseUrl: workerData.baseUrl, maxRetries: 0 });
  const calls = {
    getExport: (exportId) => client.exports.getExport({ exportId }),
    getShape: (shapeId) => client.shapes.getShape({ shapeId }),
    getContact: (contactId) => client.contacts.getContact({ contactId }),
    createExportJob: (job) => client.exports.createExportJob(job),
  };
  parentPort.on("message", ({ id, call, arg }) => {
    try {
      parentPort.postMessage({ id, value: calls[call](arg) });
    } catch (error) {
      parentPort.postMessage({ id, error: String(error && error.message) });
    }
  });
  parentPort.postMessage({ ready: true });
})();
`;

async function syncCalls(baseUrl: string): Promise<ArchiveCalls> {
  const sdk = new URL("./fixtures/unions/expected/index.ts", import.meta.url).href;
  const worker = new Worker(SYNC_THREAD, { eval: true, workerData: { sdk, baseUrl } });
  const replies = new Map<number, (reply: { value?: unknown; error?: string }) => void>();
  let last = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: { ready?: true; id: number; value?: unknown; error?: string }) => {
      if (message.ready) return resolve();
      replies.get(message.id)?.(message);
      replies.delete(message.id);
    });
  });
  const call = (name: string) => (arg: unknown) =>
    new Promise((resolve, reject) => {
      replies.set(++last, (reply) => (reply.error === undefined ? resolve(reply.value) : reject(new Error(reply.error))));
      worker.postMessage({ id: last, call: name, arg });
    });
  return {
    getExport: call("getExport"),
    getShape: call("getShape"),
    getContact: call("getContact"),
    createExportJob: call("createExportJob"),
    dispose: async () => void (await worker.terminate()),
  };
}

for (const [kind, make] of [
  ["async", async (url: string) => asyncCalls(url)],
  ["sync", syncCalls],
] as const) {
  describe(`a generated client with unions (${kind} client)`, () => {
    let server: TestServer;
    let calls: ArchiveCalls;
    before(async () => {
      server = await startServer((request, res) => {
        if (request.method === "POST") return sendJson(res, 201, JSON.parse(request.body));
        const body = WIRE[request.path];
        return body === undefined ? sendJson(res, 404, { error: "none" }) : sendJson(res, 200, body);
      });
      calls = await make(server.url);
    });
    after(async () => {
      await calls.dispose();
      await server.close();
    });

    it("decodes each known variant with all its fields", T, async () => {
      assert.deepStrictEqual(await calls.getExport("e1"), {
        exportType: "audit-log",
        exportId: "e1",
        startTime: new Date("2025-01-02T03:04:05.000Z"),
        actorIds: ["u1", "u2"],
      });
      assert.deepStrictEqual(await calls.getExport("e2"), { exportType: "company", exportId: "e2", companyCount: 12, createdAt: new Date("2025-02-01T00:00:00.000Z") });
      assert.deepStrictEqual(await calls.getShape("s1"), { kind: "square", sideCm: 2.5 });
    });

    it("keeps a variant it does not know, and sends it back unchanged in a request body", T, async () => {
      const unknown = (await calls.getExport("e3")) as DataExportMetadata;
      assert.deepStrictEqual(unknown, { unknownVariant: { tag: "billing", raw: WIRE["/exports/e3"] } });
      const echoed = await calls.createExportJob({ metadata: unknown, label: "again" });
      assert.deepStrictEqual(JSON.parse(server.requests.at(-1)!.body), { metadata: WIRE["/exports/e3"], label: "again" });
      assert.deepStrictEqual(echoed, { metadata: unknown, label: "again" });
    });

    it("without a discriminator, decodes a value two variants accept as the one that knows more of its fields", T, async () => {
      assert.deepStrictEqual(await calls.getContact("c1"), { contactId: "c1", name: "Ada", email: "ada@example.com", verifiedAt: new Date("2025-03-01T00:00:00.000Z") });
      assert.deepStrictEqual(await calls.getContact("c2"), { contactId: "c2", name: "Bo" });
    });
  });
}

/** Type errors of TypeScript files given as text (with the repository's settings), as `file:line text: TScode`. */
function typeErrors(virtual: ReadonlyMap<string, string>): string[] {
  const config = ts.readConfigFile(path.join(repoRoot, "tsconfig.json"), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.directoryExists = (dir) => [...virtual.keys()].some((file) => file.startsWith(dir + path.sep)) || directoryExists?.call(host, dir) !== false;
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, version, ...rest) =>
    virtual.has(file) ? ts.createSourceFile(file, virtual.get(file)!, version, true) : getSourceFile.call(host, file, version, ...rest);
  const program = ts.createProgram([...virtual.keys()], { ...options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && virtual.has(d.file.fileName))
    .map((d) => {
      const { line: at } = d.file!.getLineAndCharacterOfPosition(d.start!);
      return `${path.basename(d.file!.fileName)}:${d.file!.text.split("\n")[at]!.trim()}: TS${d.code}`;
    });
}

describe("the generated union types", () => {
  // Snippets type-checked against the fixture's generated package, as a caller would write them.
  const snippets: Record<string, string> = {
    "narrows.ts": `
      import { ArchiveClient, ArchiveSyncClient, type DataExportMetadata } from "./expected/index.js";
      export function describe(metadata: DataExportMetadata): string {
        switch (metadata.exportType) {
          case "audit-log":
            return metadata.actorIds?.join(",") ?? "";
          case "company":
            return String(metadata.companyCount);
          case undefined:
            return String(metadata.unknownVariant.tag) + JSON.stringify(metadata.unknownVariant.raw);
          default: {
            const unhandled: never = metadata;
            return unhandled;
          }
        }
      }
      export async function fromAsync(client: ArchiveClient) {
        const metadata = await client.exports.getExport({ exportId: "e1" });
        if (metadata.exportType === "company") metadata.companyCount?.toFixed();
        await client.exports.createExportJob({ metadata });
        await client.exports.createExportJob({ metadata: { exportType: "company", exportId: "e2" } });
        return describe(metadata);
      }
      export function fromSync(client: ArchiveSyncClient) {
        const shape = client.shapes.getShape({ shapeId: "s1" });
        if (shape.kind === "circle") return shape.radiusCm;
        if (shape.kind === "square") return shape.sideCm;
        return shape.unknownVariant.raw;
      }
    `,
    "unhandled-async.ts": `
      import type { ArchiveClient } from "./expected/index.js";
      export async function label(client: ArchiveClient): Promise<string> {
        const metadata = await client.exports.getExport({ exportId: "e1" });
        switch (metadata.exportType) {
          case "audit-log":
            return "audit";
          case "company":
            return "company";
          default: {
            const unhandled: never = metadata;
            return unhandled;
          }
        }
      }
    `,
    "unhandled-sync.ts": `
      import type { ArchiveSyncClient } from "./expected/index.js";
      export function area(client: ArchiveSyncClient): number {
        const shape = client.shapes.getShape({ shapeId: "s1" });
        switch (shape.kind) {
          case "circle":
            return shape.radiusCm ** 2;
          case "square":
            return shape.sideCm ** 2;
        }
      }
    `,
    "made-up-tag.ts": `
      import type { ExportJob } from "./expected/index.js";
      export const job: ExportJob = { metadata: { exportType: "billing", exportId: "e9" } };
    `,
  };

  it("narrow on the tag, and refuse code that leaves the unknown case out, for the async and the sync client", { timeout: 120_000 }, () => {
    const found = typeErrors(new Map(Object.entries(snippets).map(([name, text]) => [path.join(fixtureDir, name), text])));
    assert.deepEqual(found.sort(), [
      "made-up-tag.ts:export const job: ExportJob = { metadata: { exportType: \"billing\", exportId: \"e9\" } };: TS2322",
      "unhandled-async.ts:const unhandled: never = metadata;: TS2322",
      "unhandled-sync.ts:export function area(client: ArchiveSyncClient): number {: TS2366",
    ]);
  });

  it("hold tag values as data, whatever their text", { timeout: 120_000 }, () => {
    const hostile = '*/ "quoted" \\\\ \u2028 `${globalThis.pwned = 1}` /*';
    const text = withLine("kind: { type: string, const: circle }", `      kind: { type: string, const: ${JSON.stringify(hostile)} }`);
    const folder = path.join(fixtureDir, "hostile");
    const sources = emitSources(irOf(text), { runtimeEntry: "../../../../runtime/index.ts" });
    const virtual = new Map(sources.map((source) => [path.join(folder, source.path), source.text]));
    virtual.set(
      path.join(folder, "use.ts"),
      `import type { Shape } from "./types.js";
      export const circle: Shape = { kind: ${JSON.stringify(hostile)}, radiusCm: 1 };
      export const radius = (shape: Shape) => (shape.kind === ${JSON.stringify(hostile)} ? shape.radiusCm : 0);`,
    );
    assert.deepEqual(typeErrors(virtual), []);
    assert.ok(virtual.get(path.join(folder, "codecs.ts"))!.includes("\\u2028"), "the line separator is escaped in the codec table");
  });
});
