import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { repoRoot } from "./helpers/cli.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const run = promisify(execFile);

/** Type-checks files in the app folder as a strict user project would, with the repository's TypeScript. */
function typeCheck(cwd: string, files: string[]) {
  const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  const flags = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022"];
  const types = ["--typeRoots", path.join(repoRoot, "node_modules/@types"), "--types", "node"];
  return run(process.execPath, [tsc, ...flags, ...types, ...files], { cwd });
}
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

// Packs the package, installs the tarball into an app outside the repository, and uses it as a user would:
// plain Node ESM and CommonJS without a TypeScript loader, and a type-checked TypeScript program.
describe("the packed package", { timeout: 240_000 }, () => {
  let app: string;
  let server: TestServer;

  before(async () => {
    app = await mkdtemp(path.join(tmpdir(), "sdk-app-"));
    server = await startServer((request, res) =>
      sendJson(res, 200, { data: { flag: request.path.split("/")[2], value: true, reason: "on", feature_usage_reset_at: "2025-01-01T00:00:00.000Z" } }),
    );
    const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", app], { cwd: repoRoot, maxBuffer: 16 << 20 });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "user-app", private: true, type: "module" }));
    // node-redis (a dev dependency here, linked from the repository) for the README's Redis example.
    const redis = path.join(repoRoot, "node_modules", "redis");
    await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", path.join(app, path.basename(filename)), redis], { cwd: app });
  });
  after(async () => {
    await server.close();
    await rm(app, { recursive: true, force: true });
  });

  it("works from plain ESM", async () => {
    await writeFile(
      path.join(app, "esm.mjs"),
      `import { SchematicClient, ApiError } from "schematic-sdk";
const client = new SchematicClient({ apiKey: "sch_key", baseUrl: process.argv[2] });
const result = await client.features.checkFlag({ key: "from-esm", company: { id: "co_1" } });
console.log(JSON.stringify({ flag: result.flag, value: result.value, date: result.featureUsageResetAt instanceof Date, api: typeof ApiError }));
`,
    );
    const { stdout } = await run(process.execPath, ["esm.mjs", server.url], { cwd: app });
    assert.deepStrictEqual(JSON.parse(stdout), { flag: "from-esm", value: true, date: true, api: "function" });
  });

  it("works from CommonJS through require", async () => {
    await writeFile(
      path.join(app, "cjs.cjs"),
      `const { SchematicClient } = require("schematic-sdk");
new SchematicClient({ apiKey: "sch_key", baseUrl: process.argv[2] }).features
  .checkFlag({ key: "from-cjs" })
  .then((result) => console.log(result.flag));
`,
    );
    const { stdout } = await run(process.execPath, ["--no-warnings", "cjs.cjs", server.url], { cwd: app });
    assert.equal(stdout.trim(), "from-cjs");
  });

  it("runs the sync client from plain ESM and CommonJS: its worker ships in the package, and the process exits by itself", async () => {
    const program = (load: string) => `${load}
const client = new SchematicSyncClient({ apiKey: "sch_key", baseUrl: process.argv[2] });
const result = client.features.checkFlag({ key: "from-sync", company: { id: "co_1" } });
const on = client.checkFlag("cached", { company: { id: "co_1" } }) && client.checkFlag("cached", { company: { id: "co_1" } });
let notFound = false;
try {
  client.features.checkFlag({ key: "" });
} catch (error) {
  notFound = error instanceof ApiError;
}
console.log(JSON.stringify({ flag: result.flag, date: result.featureUsageResetAt instanceof Date, on, rejected: notFound }));
`;
    await writeFile(path.join(app, "sync.mjs"), program(`import { SchematicSyncClient, ApiError } from "schematic-sdk";`));
    await writeFile(path.join(app, "sync.cjs"), program(`const { SchematicSyncClient, ApiError } = require("schematic-sdk");`));
    for (const file of ["sync.mjs", "sync.cjs"]) {
      server.requests.length = 0;
      const { stdout } = await run(process.execPath, ["--no-warnings", file, server.url], { cwd: app, timeout: 30_000 });
      assert.deepStrictEqual(JSON.parse(stdout), { flag: "from-sync", date: true, on: true, rejected: true }, file);
      assert.equal(server.requests.length, 2, `${file}: the second check of "cached" came from the cache`);
    }
  });

  it("type-checks a program against its declarations, and rejects a wrong one", async () => {
    await writeFile(
      path.join(app, "program.ts"),
      `import { SchematicClient, SchematicSyncClient, NotFoundError, type CheckFlagResponseData, type SchematicClientOptions } from "schematic-sdk";
const options: SchematicClientOptions = { apiKey: "sch_key", timeoutMs: 5_000 };
const client = new SchematicClient(options);
export async function main(): Promise<boolean> {
  const result: CheckFlagResponseData = await client.features.checkFlag({ key: "f", company: { id: "co_1" } });
  const when: Date | null | undefined = result.featureUsageResetAt;
  const companies = await client.companies.listCompanies({ ids: ["co_1"], subscriptionStatuses: ["active"], limit: 10 });
  try {
    await client.companies.getCompany({ companyId: companies.items[0]!.id }, { timeoutMs: 1_000 });
  } catch (error) {
    if (error instanceof NotFoundError) return error.statusCode === 404 && when !== undefined;
  }
  // @ts-expect-error: parameters use the SDK's camelCase names
  await client.companies.getCompany({ company_id: "co_1" });
  // @ts-expect-error: a flag check result has no such field
  result.notAField;
  return result.value;
}
const sync = new SchematicSyncClient({ apiKey: "sch_key", proxyUrl: "http://proxy.internal:3128" });
export function syncMain(): boolean {
  const result: CheckFlagResponseData = sync.features.checkFlag({ key: "f" });
  // @ts-expect-error: the sync client returns values, not promises
  sync.features.checkFlag({ key: "f" }).then(() => undefined);
  // @ts-expect-error: the sync client's worker cannot take a dispatcher object
  new SchematicSyncClient({ apiKey: "sch_key", dispatcher: {} });
  return sync.checkFlag("f") && result.value;
}
`,
    );
    await typeCheck(app, ["program.ts"]);

    await writeFile(path.join(app, "wrong.ts"), `import { SchematicClient } from "schematic-sdk";\nnew SchematicClient({ apiKey: 42 });\n`);
    const failure = await typeCheck(app, ["wrong.ts"]).then(
      () => assert.fail("a wrong program must not type-check"),
      (error: { stdout: string }) => error.stdout,
    );
    assert.match(failure, /wrong\.ts\(2,23\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it("type-checks every TypeScript example of the docs", async () => {
    const examples: string[] = [];
    for (const doc of ["README.md", "generated/README.md", "generated/reference.md"]) {
      const text = await readFile(path.join(repoRoot, doc), "utf8");
      for (const [, code] of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
        // Reference examples use a `client` the reader already has; give them one.
        const preamble = /const client = /.test(code!) ? "" : 'import type { SchematicClient as DocClient } from "schematic-sdk";\ndeclare const client: DocClient;\n';
        const file = `doc-${examples.length}.ts`;
        await writeFile(path.join(app, file), `${preamble}${code}\nexport {};\n`);
        examples.push(file);
      }
    }
    assert.ok(examples.length >= 12, `found ${examples.length} examples`);
    const result = await typeCheck(app, examples).catch((error: { stdout: string }) => error);
    assert.ok(!("stdout" in result && result.stdout.includes("error")), `doc examples must type-check:\n${"stdout" in result ? result.stdout : ""}`);
  });
});
