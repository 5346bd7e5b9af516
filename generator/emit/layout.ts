import path from "node:path";
import { StructureKind, type ImportDeclarationStructure } from "ts-morph";
import { RUNTIME_CONTRACT, type RuntimeName } from "../contract.js";
import { kebabCase } from "../naming.js";

/** The one place that decides which generated file holds what (paths relative to the output folder). */
export const files = {
  types: "types.ts",
  codecs: "codecs.ts",
  /** The codecs loaded with the package (error bodies, what capabilities convert themselves); codecs.ts loads on first use. */
  clientCodecs: "client-codecs.ts",
  errors: "errors.ts",
  client: "client.ts",
  index: "index.ts",
  resource: (resource: string) => `resources/${kebabCase(resource)}.ts`,
  /** A resource's operation descriptors, which its async class loads on its first call. */
  operations: (resource: string) => `operations/${kebabCase(resource)}.ts`,
};

export interface EmitSettings {
  /** Path of the runtime's entry module (index.ts), relative to the output folder. */
  runtimeEntry: string;
}

/** The runtime module (relative to the output folder) that defines a name, beside the runtime's entry module. */
export const runtimeModule = (runtimeEntry: string, name: RuntimeName) => path.posix.join(path.posix.dirname(runtimeEntry), RUNTIME_CONTRACT[name].module);

/** Runtime names grouped by the module that defines them, modules in path order. */
export function byRuntimeModule(runtimeEntry: string, names: readonly RuntimeName[]): [string, RuntimeName[]][] {
  const modules = new Map<string, RuntimeName[]>();
  for (const name of names) {
    const module = runtimeModule(runtimeEntry, name);
    modules.set(module, [...(modules.get(module) ?? []), name]);
  }
  return [...modules.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** ESM specifier from one generated file to another file, relative to the output folder. */
export function moduleSpecifier(fromFile: string, toFile: string): string {
  // Resolve both under a virtual root deep enough for every "..", so the real working directory never matters.
  const depth = toFile.split("/").filter((segment) => segment === "..").length;
  const root = `/${"r/".repeat(depth)}`;
  const relative = path.posix
    .relative(path.posix.join(root, path.posix.dirname(fromFile)), path.posix.join(root, toFile))
    .replace(/\.ts$/, ".js");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** Collects the named imports of one file, then emits them sorted, one declaration per module. */
export class Imports {
  private readonly modules = new Map<string, Map<string, boolean>>();

  /** `runtimeEntry`: path of the runtime's entry module (EmitSettings); names are imported from their own modules beside it. */
  constructor(
    private readonly fromFile: string,
    private readonly runtimeEntry: string,
  ) {}

  /** Adds runtime names, each from the module the contract says defines it (types as type-only imports). */
  runtime(...names: RuntimeName[]): this {
    for (const name of names) this.add(runtimeModule(this.runtimeEntry, name), [name], RUNTIME_CONTRACT[name].kind === "type");
    return this;
  }

  /** Adds runtime names used as types only. */
  runtimeTypes(...names: RuntimeName[]): this {
    for (const name of names) this.add(runtimeModule(this.runtimeEntry, name), [name], true);
    return this;
  }

  specifier(toFile: string): string {
    return moduleSpecifier(this.fromFile, toFile);
  }

  /** Adds names imported from `toFile` (a path relative to the output folder). */
  add(toFile: string, names: readonly string[], typeOnly = false): this {
    if (names.length === 0) return this;
    const specifier = moduleSpecifier(this.fromFile, toFile);
    const named = this.modules.get(specifier) ?? new Map<string, boolean>();
    // A name imported both as a type and as a value is imported as a value.
    for (const name of names) named.set(name, (named.get(name) ?? true) && typeOnly);
    this.modules.set(specifier, named);
    return this;
  }

  structures(): ImportDeclarationStructure[] {
    return [...this.modules.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([moduleSpecifier, named]) => {
        const names = [...named.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
        const allTypes = names.every(([, typeOnly]) => typeOnly);
        return {
          kind: StructureKind.ImportDeclaration,
          moduleSpecifier,
          isTypeOnly: allTypes,
          namedImports: names.map(([name, typeOnly]) => (typeOnly && !allTypes ? `type ${name}` : name)),
        };
      });
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as written in TypeScript: bare when it is an identifier, quoted otherwise. */
export const propertyKey = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));
