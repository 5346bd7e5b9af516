import type { JSDocStructure, OptionalKind } from "ts-morph";

/** A JSDoc block from a description and tags; none when there is nothing to say. */
export function jsDoc(
  description: string | undefined,
  tags: Record<string, string | undefined> = {},
): OptionalKind<JSDocStructure>[] {
  const tagList = Object.entries(tags)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([tagName, text]) => ({ tagName, text }));
  if (description === undefined && tagList.length === 0) return [];
  return [{ description: description?.trim(), tags: tagList }];
}
