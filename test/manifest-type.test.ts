// The TypeScript types the generator reads a validated manifest as (generator/manifest.ts and each capability's
// types.ts) say what the JSON Schemas say: the same fields, optional exactly where the schema does not require them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { Project, ts, type Type } from "ts-morph";
import { repoRoot } from "./helpers/cli.js";

interface SchemaObject {
  properties?: Record<string, SchemaObject>;
  required?: string[];
  $ref?: string;
}

const readSchema = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, "generator", file), "utf8")) as SchemaObject & { definitions: Record<string, SchemaObject> };
const root = readSchema("manifest.schema.json");
const project = new Project({ tsConfigFilePath: path.join(repoRoot, "tsconfig.json"), skipAddingFilesFromTsConfig: true });

/** An interface's fields, inherited ones included, each with whether it is optional. */
function fieldsOf(file: string, name: string): Record<string, boolean> {
  const type: Type = project.addSourceFileAtPath(path.join(repoRoot, "generator", file)).getInterfaceOrThrow(name).getType();
  return Object.fromEntries(type.getProperties().map((symbol) => [symbol.getName(), (symbol.getFlags() & ts.SymbolFlags.Optional) !== 0]));
}

/** A schema object's fields, each with whether it is optional. */
function fieldsIn(schema: SchemaObject): Record<string, boolean> {
  return Object.fromEntries(Object.keys(schema.properties ?? {}).map((name) => [name, !(schema.required ?? []).includes(name)]));
}

const sorted = (fields: Record<string, boolean>) => Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)));

describe("the manifest's TypeScript types and its JSON Schemas", () => {
  const cases: [string, string, string, SchemaObject][] = [
    ["the manifest", "manifest.ts", "Manifest", root],
    ["an operation", "manifest.ts", "ManifestOperation", root.definitions.operation!],
    ["a type definition", "manifest.ts", "ManifestTypeDefinition", root.definitions.typeDefinition!],
    ["a field", "manifest.ts", "ManifestField", root.definitions.field!],
    ["the auth section", "manifest.ts", "ManifestAuth", root.properties!.auth!],
    ["an error body", "manifest.ts", "ManifestErrorBody", root.definitions.errorBody!],
    ["the flagChecks section", "capabilities/flag-checks/types.ts", "ManifestFlagChecks", readSchema("capabilities/flag-checks/schema.json")],
    ["the events section", "capabilities/events/types.ts", "ManifestEvents", readSchema("capabilities/events/schema.json")],
  ];
  for (const [what, file, name, schema] of cases) {
    it(`agree on ${what} (${name})`, { timeout: 60_000 }, () => {
      assert.deepEqual(sorted(fieldsOf(file, name)), sorted(fieldsIn(schema)));
    });
  }
});
