import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { repoRoot } from "./helpers/cli.js";
import { generatedCopyWithout } from "./helpers/generated-copy.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

// A resource's operation descriptors (operations/<resource>.ts) and the codecs of every model (codecs.ts) load on the
// resource's first call, not with the package: proven on a copy of generated/ with those files taken away.
const T = { timeout: 60_000 };
const API_KEY = "sk_lazy_operations_secret_1234";
const run = promisify(execFile);

const copyWithout = (missing: string[]) => generatedCopyWithout(missing, "sdk-lazy-");

const company = { id: "comp_1", name: "Acme", created_at: "2024-01-02T03:04:05Z", updated_at: "2024-01-02T03:04:05Z" };

describe("operations and codecs load on a resource's first call", () => {
  let server: TestServer;
  const dirs: string[] = [];
  before(async () => {
    server = await startServer((request, response) => {
      if (request.path.startsWith("/flags/")) return sendJson(response, 200, { data: { flag: "f", reason: "match", value: true } });
      if (request.path === "/companies/comp_1") return sendJson(response, 200, { data: company });
      if (request.path === "/plans/count") return sendJson(response, 200, { data: { count: 7 } });
      sendJson(response, 404, { error: `no ${request.path}` });
    });
  });
  after(async () => {
    await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("async: the package imports and checks flags without them; a call that cannot load them fails clearly", T, async () => {
    const copy = await copyWithout(["codecs.ts", "operations/plans.ts"]);
    dirs.push(copy.dir);
    const { SchematicClient, ApiError } = await copy.load();
    const client = new SchematicClient({ apiKey: API_KEY, baseUrl: server.url, cache: false, maxRetries: 0 });
    assert.equal(await client.checkFlag("f", { company: { id: "comp_1" } }), true, "flag checks need neither file");

    const refused = (resource: string) => (error: unknown) => {
      assert.ok(error instanceof ApiError, `an ApiError, got ${String(error)}`);
      assert.match(error.message, new RegExp(`the operations of client\\.${resource} could not be loaded .*installed completely`));
      assert.doesNotMatch(error.message, new RegExp(API_KEY));
      return true;
    };
    await assert.rejects(client.companies.getCompany({ companyId: "comp_1" }), refused("companies"), "companies' descriptors need codecs.ts");
    await assert.rejects(client.plans.countPlans(), refused("plans"));
    await assert.rejects(client.plans.countPlans(), refused("plans"), "each call tries again while the file is missing");
    await copy.restore("codecs.ts");
    await copy.restore("operations/plans.ts");
    assert.deepEqual(await client.plans.countPlans(), { count: 7 }, "a module that was missing is asked for again");
  });

  it("async: each resource's operations load alone, with the codecs, and decode as before", T, async () => {
    const copy = await copyWithout(["operations/plans.ts"]);
    dirs.push(copy.dir);
    const { SchematicClient, ApiError } = await copy.load();
    const client = new SchematicClient({ apiKey: API_KEY, baseUrl: server.url, maxRetries: 0 });
    const found = await client.companies.getCompany({ companyId: "comp_1" });
    assert.equal(found.name, "Acme");
    assert.ok(found.createdAt instanceof Date, "decoded by the codecs loaded with companies' operations");
    const { data, response } = await client.companies.getCompany({ companyId: "comp_1" }).withResponse();
    assert.equal(data.name, "Acme");
    assert.equal(response.status, 200);
    await assert.rejects(client.plans.countPlans(), ApiError, "another resource's module is not needed by this one");
  });

  it("sync: the same in its worker thread", T, async () => {
    const copy = await copyWithout(["operations/plans.ts"]);
    dirs.push(copy.dir);
    // In a process of its own: a sync client blocks its thread, so it cannot share one with the test server.
    const script = path.join(copy.dir, "sync-client.mts");
    await writeFile(
      script,
      `import { writeFileSync } from "node:fs";
const { SchematicSyncClient } = await import(${JSON.stringify(pathToFileURL(path.join(copy.dir, "generated/index.ts")).href)});
const client = new SchematicSyncClient({ apiKey: ${JSON.stringify(API_KEY)}, baseUrl: process.argv[2], cache: false, maxRetries: 0 });
const outcome = (call) => { try { return { value: call() }; } catch (error) { return { error: error.name + ": " + error.message }; } };
const seen = [outcome(() => client.companies.getCompany({ companyId: "comp_1" }).name), outcome(() => client.plans.countPlans())];
writeFileSync(${JSON.stringify(path.join(copy.dir, "generated/operations/plans.ts"))}, process.argv[3]);
seen.push(outcome(() => client.plans.countPlans()));
client.close();
console.log(JSON.stringify(seen));`,
    );
    const plans = await readFile(path.join(repoRoot, "generated/operations/plans.ts"), "utf8");
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, server.url, plans], { cwd: repoRoot, timeout: 50_000 });
    const [company, missing, loaded] = JSON.parse(stdout.trim().split("\n").at(-1)!) as { value?: unknown; error?: string }[];
    assert.deepEqual(company, { value: "Acme" });
    assert.match(missing!.error!, /^ApiError: the operations of client\.plans could not be loaded .*installed completely/);
    assert.deepEqual(loaded, { value: { count: 7 } });
  });
});
