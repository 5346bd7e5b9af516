import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ManifestError, parseManifest } from "../../generator/load.js";
import { validateManifest } from "../../generator/validate.js";
import { normalizeManifest } from "../../generator/normalize.js";
import type { IrApi } from "../../generator/ir.js";

/** The minimal fixture manifest, as lines, so a test can change one line and know its number. */
export const minimalLines = readFileSync(new URL("../fixtures/minimal/manifest.yaml", import.meta.url), "utf8").split("\n");

/** Line number (1-based) of the first line containing `text`. */
export function lineOf(lines: string[], text: string): number {
  const index = lines.findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`no line contains ${JSON.stringify(text)}`);
  return index + 1;
}

/** The minimal manifest with the line containing `text` replaced by `replacement` (more lines allowed). */
export function minimalWith(text: string, replacement: string): string {
  const lines = [...minimalLines];
  lines[lineOf(lines, text) - 1] = replacement;
  return lines.join("\n");
}

/** The problems validation reports for a manifest text, each as `file:line:column: message`; none for a valid one. */
export function problems(text: string): string[] {
  try {
    validateManifest(parseManifest(text, "manifest.yaml"));
  } catch (error) {
    assert.ok(error instanceof ManifestError, String(error));
    return error.problems.map((p) => `${p.position.file}:${p.position.line}:${p.position.column}: ${p.message}`);
  }
  return [];
}

/** The IR of a valid manifest text (throws with its problems for an invalid one). */
export function irOf(text: string): IrApi {
  return normalizeManifest(validateManifest(parseManifest(text, "manifest.yaml")), "manifest.yaml");
}

/** The options of an IR as `{ name: { type, default, description } }`, types as the manifest writes them. */
export function optionsOf(api: IrApi, format: (type: IrApi["options"][number]["type"]) => string) {
  return Object.fromEntries(api.options.map((o) => [o.name, { type: format(o.type), default: o.default, description: o.description }]));
}
