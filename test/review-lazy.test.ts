// Review of the lazy operation descriptors, the sync client's calling-thread checks and the Markdown batching of the
// format pool (commit 72df28d): each test shows a defect found in review, fixed since.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { FormatPool, Formatter, formatFile } from "../generator/format.js";
import { uncrossable } from "../runtime/sync/protocol.js";
import { repoRoot } from "./helpers/cli.js";
import { generatedCopyWithout } from "./helpers/generated-copy.js";

const T = { timeout: 60_000 };
const API_KEY = "sk_review_lazy_secret_5678";
const run = promisify(execFile);
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

type Package = typeof import("../generated/index.js");

/** A copy of generated/ without `missing` (paths relative to generated/), imported. */
async function packageWithout(missing: string[]): Promise<Package> {
  const copy = await generatedCopyWithout(missing, "sdk-review-lazy-");
  dirs.push(copy.dir);
  return copy.load();
}

/**
 * Runs `body` in a child process with the sync and async clients of generated/ in scope (`sync`, `async`) and
 * `outcome(fn)` that gives `{ value }` or `{ error: "Name: message" }`; answers what the body prints last, parsed.
 * The base URL is a closed port: every case here must be refused before anything is sent.
 */
async function inChild(body: string): Promise<unknown> {
  const dir = await mkdtemp(path.join(tmpdir(), "sdk-review-sync-"));
  dirs.push(dir);
  const script = path.join(dir, "script.mts");
  await writeFile(
    script,
    `const { SchematicSyncClient, SchematicClient } = await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, "generated/index.ts")).href)});
const settings = { apiKey: ${JSON.stringify(API_KEY)}, baseUrl: "http://127.0.0.1:9", cache: false, maxRetries: 0 };
const sync = new SchematicSyncClient(settings);
const async = new SchematicClient(settings);
const outcome = async (call) => { try { return { value: await call() }; } catch (error) { return { error: error.name + ": " + error.message }; } };
${body}
sync.close();`,
  );
  const { stdout } = await run(process.execPath, ["--import", "tsx", script], { cwd: repoRoot, timeout: 50_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

describe("review: lazy operations, offline and argument checks", () => {
  it(
    "async offline: a call whose operations module cannot load is still refused with OfflineError, as before the commit",
    T,
    async () => {
      const { SchematicClient, OfflineError } = await packageWithout(["operations/plans.ts"]);
      const client = new SchematicClient({ offline: true });
      for (const [what, call] of [
        ["countPlans", () => client.plans.countPlans()],
        ["listPlans (paged)", () => client.plans.listPlans()],
      ] as const) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof OfflineError, `${what}: an OfflineError, got ${String(error)}`);
          assert.match((error as Error).message, /was not sent: the client is offline/);
          return true;
        });
      }
    },
  );

  it(
    "async: arguments that are not an object are refused with InvalidArgumentError even when the operations cannot load",
    T,
    async () => {
      const { SchematicClient, InvalidArgumentError } = await packageWithout(["operations/plans.ts"]);
      const client = new SchematicClient({ apiKey: API_KEY, baseUrl: "http://127.0.0.1:9", maxRetries: 0 });
      // @ts-expect-error: a caller without types passes a string where the parameters object goes
      await assert.rejects(client.plans.countPlans("limit=5"), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, `an InvalidArgumentError, got ${String(error)}`);
        assert.match((error as Error).message, /^GET \/plans\/count: parameters must be an object, got/);
        return true;
      });
    },
  );

  it(
    "sync: a function in the options of a method without parameters is named as an option, not as a parameter",
    T,
    async () => {
      const seen = (await inChild(`
const seen = [
  await outcome(() => sync.accounts.getWhoAmI({ headers: { "x-trace": () => "id" } })),
  await outcome(() => sync.plans.countPlans({}, { headers: { "x-trace": () => "id" } })),
];
console.log(JSON.stringify(seen));`)) as { error?: string }[];
      assert.match(seen[1]!.error!, /options\.headers\.x-trace is a function/, "a method with parameters names the option");
      assert.match(seen[0]!.error!, /^InvalidArgumentError: accounts\.getWhoAmI: .*options\.headers\.x-trace is a function/);
      assert.doesNotMatch(seen[0]!.error!, /parameter "headers/);
    },
  );

  it(
    "sync: a promise given for a path parameter (a forgotten await) is refused naming the parameter, as the async client does",
    T,
    async () => {
      const [syncSays, asyncSays] = (await inChild(`
const seen = [
  await outcome(() => sync.companies.getCompany({ companyId: Promise.resolve("comp_1") })),
  await outcome(() => async.companies.getCompany({ companyId: Promise.resolve("comp_1") })),
];
console.log(JSON.stringify(seen));`)) as { error?: string }[];
      assert.match(asyncSays!.error!, /^InvalidArgumentError: path parameter "companyId" must be a string/);
      assert.match(syncSays!.error!, /^InvalidArgumentError: .*companyId/, "the sync client names the parameter too");
      assert.doesNotMatch(syncSays!.error!, /could not be cloned/);
    },
  );
});

describe("review: Markdown formatted with its TypeScript blocks together", () => {
  it(
    "formats a Markdown file as prettier does when it also has blocks of other languages or indented TypeScript blocks",
    T,
    async () => {
      const markdown = [
        "# Guide",
        "",
        "```ts",
        "const a   = 1",
        "```",
        "",
        "```ts",
        "const b =   2",
        "```",
        "",
        "```json",
        '{"a":1,   "b":[1,2]}',
        "```",
        "",
        "- In a list:",
        "",
        "  ```ts",
        "  const c   =  3",
        "  ```",
        "",
      ].join("\n");
      const pool = new FormatPool();
      const formatter = new Formatter(undefined, pool);
      formatter.add({ path: "README.md", text: markdown });
      const [shipped] = (await formatter.finish()).files;
      const whole = await formatFile("README.md", markdown);
      assert.match(whole, /\{ "a": 1, "b": \[1, 2\] \}/, "prettier formats the json block");
      assert.equal(shipped!.text, whole);
    },
  );
});

describe("review: what cannot cross to the sync client's worker, named", () => {
  it("names a function, a symbol or an uncopyable object by its path, labels the options, and survives a throwing getter", () => {
    assert.equal(uncrossable([{ a: { b: [1, () => 2] } }, {}], 1), 'parameter "a.b[1]" is a function');
    assert.equal(uncrossable([{ id: Promise.resolve(1) }, {}], 1), 'parameter "id" is a Promise');
    assert.equal(uncrossable([{ id: "x" }, { headers: { h: Symbol("s") } }], 1), "options.headers.h is a symbol");
    assert.equal(uncrossable([{ headers: { h: new WeakMap() } }], 0), "options.headers.h is a WeakMap");
    assert.equal(uncrossable([{ id: "x" }, {}], 1), undefined, "nothing to name");
    const throwing = Object.defineProperty({}, "id", { enumerable: true, get: () => { throw new Error("getter"); } });
    assert.equal(uncrossable([throwing, {}], 1), undefined, "the caller keeps structured clone's own message");
  });
});
