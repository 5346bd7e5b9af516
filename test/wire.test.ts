// Wire tests derived from manifests: for every operation of every fixture with a generated client, and of this
// repository's manifest, each client sends exactly the request the manifest implies and returns exactly the decoded
// response (test/helpers/wire/ computes both from the manifest, without the runtime's encoders).
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { before, describe, it } from "node:test";
import { loadIr } from "./helpers/wire/manifest.js";
import { runWire, type WireReport, type WireTarget } from "./helpers/wire/run.js";

const T = { timeout: 60_000 };
const root = fileURLToPath(new URL("..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Every fixture with a manifest and a generated client, then this repository's manifest and generated/. */
const targets: WireTarget[] = [
  ...readdirSync(fixtures)
    .filter((name) => existsSync(`${fixtures}${name}/manifest.yaml`) && existsSync(`${fixtures}${name}/expected/index.ts`))
    .sort()
    .map((name) => ({ label: name, manifestPath: `${fixtures}${name}/manifest.yaml`, moduleUrl: pathToFileURL(`${fixtures}${name}/expected/index.ts`).href })),
  { label: "schematic (manifest.yaml)", manifestPath: `${root}manifest.yaml`, moduleUrl: pathToFileURL(`${root}generated/index.ts`).href },
];

/** How many operations each manifest has: a manifest whose operations the harness stopped reaching fails here. */
const EXPECTED_OPERATIONS: Record<string, number> = {
  "async-only": 2,
  "kitchen-sink": 5,
  minimal: 1,
  pages: 5,
  "typed-errors": 2,
  unions: 5,
  "wire-shapes": 5,
  "schematic (manifest.yaml)": 269,
};

/** Cases where the harness found a bug in the generator or runtime, by `label resource.operation client`: to be fixed. */
const KNOWN_BUGS: Record<string, string> = {};

const apis = await Promise.all(targets.map((target) => loadIr(target.manifestPath)));

targets.forEach((target, index) => {
  const api = apis[index]!;
  const operations = api.resources.flatMap((resource) => resource.operations.map((op) => `${resource.name}.${op.name}`));
  const bothClients = api.clients.includes("sync");
  const clientsSaid = bothClients ? "both clients" : "async client only (the manifest emits no sync client)";

  describe(`wire: ${target.label}`, () => {
    let report: WireReport;
    before(async () => {
      report = await runWire(target);
    }, T);

    it(`${target.label}: ${operations.length} of ${operations.length} operations, ${clientsSaid}`, T, () => {
      assert.equal(operations.length, EXPECTED_OPERATIONS[target.label], `operations of ${target.label}`);
      for (const client of report.clients) {
        const exercised = new Set(report.outcomes.filter((o) => o.client === client).map((o) => `${o.call.resource}.${o.call.operation}`));
        assert.deepEqual([...exercised].sort(), [...operations].sort(), `operations the ${client} client made`);
      }
      assert.deepEqual(report.clients, bothClients ? ["async", "sync"] : ["async"]);
    });

    for (const operation of operations) {
      for (const client of bothClients ? (["async", "sync"] as const) : (["async"] as const)) {
        const todo = KNOWN_BUGS[`${target.label} ${operation} ${client}`];
        it(`${target.label}: ${operation} sends and decodes what the manifest says (${client} client)`, { ...T, ...(todo ? { todo } : {}) }, () => {
          const outcomes = report.outcomes.filter((o) => o.client === client && `${o.call.resource}.${o.call.operation}` === operation);
          assert.ok(outcomes.length >= 3, `${operation}: ${outcomes.length} calls made by the ${client} client`);
          const failures = outcomes.filter((o) => o.problems.length > 0).map((o) => `${o.call.id}:\n  ${o.problems.join("\n  ")}`);
          assert.equal(failures.length, 0, `${target.label} ${operation}, ${client} client:\n${failures.join("\n")}`);
        });
      }
    }
  });
});
