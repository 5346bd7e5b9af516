import { PUBLIC_RUNTIME_NAMES, RUNTIME_NAMES } from "../contract.js";
import { CAPABILITIES } from "../capabilities/index.js";
import { camelCase, codecName, nameProblem, pascalCase } from "../naming.js";
import { STANDARD_ERRORS } from "../normalize.js";

/**
 * How the importer names things, one rule for all (README "Import an OpenAPI document"): types are the PascalCase of
 * the schema's name (or its `title`, or its parent's name and the property or role it sits at), resources the camelCase
 * of the operation's first tag, operations the camelCase of their operationId (else method and path). A name the
 * generator refuses (a reserved word, a JavaScript global, a runtime name) or one already taken gets a suffix — `Model`
 * for types, `Api` for resources, `Op` for operations — and then, while still taken, 2, 3, ...
 */
export class Names {
  private readonly taken = new Set<string>();

  /** `empty`: the base of a name made from text without letters or digits. */
  constructor(
    private readonly suffix: string,
    private readonly empty: string,
    private readonly refused: (name: string) => boolean,
  ) {}

  /** Keeps a name from being given (a name the generator derives from others, such as a parameter type). */
  reserve(name: string): void {
    this.taken.add(name);
  }

  /** Gives back a name claimed for something that did not come to be. */
  release(name: string): void {
    this.taken.delete(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** A unique, acceptable name made from `base` (already in the right case). */
  claim(given: string): string {
    const base = given === "" ? this.empty : given;
    let name = this.refused(base) || this.taken.has(base) ? `${base}${this.suffix}` : base;
    for (let n = 2; this.refused(name) || this.taken.has(name); n++) {
      if (n > this.taken.size + 2) throw new Error(`no acceptable name from "${given}"`); // a suffix that cannot help
      name = `${base}${this.suffix}${n}`;
    }
    this.taken.add(name);
    return name;
  }
}

/** Names of types: none of the runtime's, the standard error classes', or the capabilities' exported names. */
export function typeNames(): Names {
  const fixed = new Set([...PUBLIC_RUNTIME_NAMES, ...STANDARD_ERRORS.map((error) => error.className), ...CAPABILITIES.flatMap((c) => c.exportedNames)]);
  return new Names("Model", "Model", (name) => !/^[A-Z]/.test(name) || nameProblem(name, "type") !== undefined || fixed.has(name) || RUNTIME_NAMES.has(codecName(name)));
}

/** Names of resources and operations (members of the client and of resource classes). */
export function memberNames(suffix: string, empty: string, privateMembers: readonly string[] = []): Names {
  return new Names(suffix, empty, (name) => !/^[a-z]/.test(name) || nameProblem(name, "member") !== undefined || privateMembers.includes(name));
}

/** A PascalCase name from any text ("account-members" -> "AccountMembers"); "" when it has no letters or digits. */
export const typeNameOf = (text: string) => {
  if (/^[A-Z][A-Za-z0-9]*$/.test(text)) return text; // already a type name (a parent's name and a part): kept as built
  const name = pascalCase(text);
  return /^[0-9]/.test(name) ? `T${name}` : name;
};

/** A camelCase name from any text; "" when it has no letters or digits. */
export const memberNameOf = (text: string) => {
  const name = camelCase(text);
  return /^[0-9]/.test(name) ? `n${name}` : name;
};

/**
 * A resource name from a tag. A tag written as one lower-case word ("dataexports", "planmigrations") is split into
 * the words the document's operationIds use ("data exports" -> dataExports), the fewest words first, the last one
 * also in its plural ("accesstokens": access, token + s); a tag the words do not cover keeps its camelCase.
 */
export function resourceNameOf(tag: string, vocabulary: ReadonlySet<string>): string {
  if (!/^[a-z][a-z0-9]*$/.test(tag) || tag.length > 64) return memberNameOf(tag);
  const known = (word: string, last: boolean) => vocabulary.has(word) || (last && word.endsWith("s") && vocabulary.has(word.slice(0, -1)));
  // best[i]: the fewest words that spell tag.slice(0, i).
  const best: (string[] | undefined)[] = [[]];
  for (let end = 1; end <= tag.length; end++) {
    for (let start = 0; start < end; start++) {
      const before = best[start];
      const word = tag.slice(start, end);
      if (before === undefined || !known(word, end === tag.length)) continue;
      if (best[end] === undefined || before.length + 1 < best[end]!.length) best[end] = [...before, word];
    }
  }
  const split = best[tag.length];
  return split === undefined || split.length < 2 ? memberNameOf(tag) : memberNameOf(split.join(" "));
}
