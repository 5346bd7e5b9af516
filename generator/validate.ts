import { readFileSync } from "node:fs";
import path from "node:path";
import { CAPABILITIES } from "./capabilities/index.js";
import { Ajv, type ErrorObject } from "ajv";
import { ManifestError, inFileOrder, type LoadedManifest, type ManifestPath, type ManifestProblem } from "./load.js";
import type { Manifest } from "./manifest.js";
import { SemanticChecker, display } from "./semantic-checks.js";

const readSchema = (url: URL) => JSON.parse(readFileSync(url, "utf8")) as object;
const ROOT_SCHEMA = "manifest.schema.json";

/** The core's schema, which refers to each capability's section schema by its path beside it. */
const validateSchema = (() => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  const root = new URL(`./${ROOT_SCHEMA}`, import.meta.url);
  for (const capability of CAPABILITIES) {
    ajv.addSchema(readSchema(capability.schemaFile), path.posix.relative(path.posix.dirname(root.pathname), capability.schemaFile.pathname));
  }
  ajv.addSchema(readSchema(root), ROOT_SCHEMA);
  return ajv.getSchema(ROOT_SCHEMA)!;
})();

const FRIENDLY_PATTERNS: Record<string, string> = {
  camelName: "a camelCase name such as fooBar",
  typeName: "a PascalCase name such as FooBar",
  wireName: "a name of letters, digits, _ and -",
};

function pathSegments(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}


function schemaProblem(manifest: LoadedManifest, error: ErrorObject): ManifestProblem | undefined {
  const path = pathSegments(error.instancePath);
  const at = (p: ManifestPath, message: string, where: "key" | "value" = "value"): ManifestProblem => ({
    position: manifest.positionOf(p, where),
    message: `${display(p)}: ${message}`,
  });
  // Each item's failure to be what a `contains` looks for is no problem: the `contains` error says what is missing.
  if (error.schemaPath.includes("/contains/")) return undefined;
  const definition = /#\/definitions\/(\w+)\//.exec(error.schemaPath)?.[1];
  switch (error.keyword) {
    case "required":
      return at(path, `missing required field "${error.params.missingProperty}"`);
    case "additionalProperties": {
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return at([...path, error.params.additionalProperty], `unknown field (expected one of: ${allowed.join(", ")})`, "key");
    }
    case "propertyNames":
      return undefined; // the nested error, which names the key, says it better
    case "type":
      return at(path, `expected ${String(error.params.type).split(",").join(" or ")}, got ${describeValue(valueAt(manifest.data, path))}`);
    case "contains": {
      const { contains, description } = error.parentSchema as { contains: { const: unknown }; description?: string };
      return at(path, `must include ${JSON.stringify(contains.const)}${description ? ` (${description})` : ""}`);
    }
    case "enum":
      return at(path, `expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`);
    case "pattern": {
      if (error.propertyName !== undefined) {
        const expected = (definition && FRIENDLY_PATTERNS[definition]) ?? `to match ${error.params.pattern}`;
        return at([...path, error.propertyName], `name "${error.propertyName}" must be ${expected}`, "key");
      }
      const expected = (definition && FRIENDLY_PATTERNS[definition]) ?? `a string matching ${error.params.pattern}`;
      return at(path, `expected ${expected}, got ${JSON.stringify(valueAt(manifest.data, path))}`);
    }
    default:
      return at(path, error.message ?? "is invalid");
  }
}

function valueAt(data: unknown, path: ManifestPath): unknown {
  let value = data;
  for (const segment of path) value = (value as Record<string, unknown> | undefined)?.[segment];
  return value;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;
}

/** Checks the manifest against its JSON Schema, then the rules a schema cannot say. Throws ManifestError. */
export function validateManifest(manifest: LoadedManifest): Manifest {
  if (!validateSchema(manifest.data)) {
    const seen = new Set<string>();
    const problems: ManifestProblem[] = [];
    for (const error of validateSchema.errors ?? []) {
      const problem = schemaProblem(manifest, error);
      const key = problem && `${problem.position.line}:${problem.position.column}:${problem.message}`;
      if (problem && key && !seen.has(key)) {
        seen.add(key);
        problems.push(problem);
      }
    }
    throw new ManifestError(sortProblems(problems, manifest));
  }
  const problems = new SemanticChecker(manifest).run();
  if (problems.length > 0) throw new ManifestError(sortProblems(problems, manifest));
  return manifest.data as Manifest;
}

/** In file order: the main manifest's problems, then each included part's. */
function sortProblems(problems: ManifestProblem[], manifest: LoadedManifest): ManifestProblem[] {
  return problems.sort(inFileOrder(manifest.files));
}

