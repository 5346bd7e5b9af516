import type { JSDocStructure, OptionalKind } from "ts-morph";
import { jsDocText } from "../escape.js";

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
