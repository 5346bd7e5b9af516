import type { JSDocStructure, OptionalKind } from "ts-morph";
import { jsDocText } from "../escape.js";
import type { IrConstraints } from "../ir.js";

/**
 * A JSDoc block from a description and tags; none when there is nothing to say. Every text goes through jsDocText,
 * so manifest text (a description, a path, a default, an example) cannot end the comment.
 */
export function jsDoc(
  description: string | undefined,
  tags: Record<string, string | undefined> = {},
): OptionalKind<JSDocStructure>[] {
  const tagList = Object.entries(tags)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([tagName, text]) => ({ tagName, text: jsDocText(text) }));
  if (description === undefined && tagList.length === 0) return [];
  return [{ description: description === undefined ? undefined : jsDocText(description.trim()), tags: tagList }];
}

/** What the docs of an int64 field add: JavaScript numbers are exact only up to 2^53 - 1. */
export const INT64_NOTE = "An int64: may lose precision beyond Number.MAX_SAFE_INTEGER.";

/**
 * JSDoc tags of a field's documented limits, named as in JSON Schema (`@maxLength 80`, `@pattern ^[a-z]+$`), in a
 * fixed order. Documentation only: the server, which owns the rules, checks them.
 */
export function constraintTags(constraints: IrConstraints | undefined): Record<string, string | undefined> {
  if (constraints === undefined) return {};
  const { int64: _int64, ...limits } = constraints;
  return Object.fromEntries(Object.entries(limits).map(([name, value]) => [name, String(value)]));
}
