import type { ClassDeclarationStructure, PropertySignatureStructure, OptionalKind, SourceFileStructure, StatementStructures } from "ts-morph";
import type { BuiltinOption } from "../builtin-options.js";
import type { ContractOwner } from "../contract.js";
import type { Imports } from "../emit/layout.js";
import type { ClientFlavour } from "../flavour.js";
import type { IrApi, IrObjectType, IrOperation, IrResource, IrType } from "../ir.js";
import type { ManifestPath } from "../load.js";
import type { Manifest, ManifestOperation } from "../manifest.js";

/** What the core's semantic checker lends a capability's checks. */
export interface CheckContext {
  readonly data: Manifest;
  /** Public members of every client, from every capability: what names of the section must not take. */
  readonly clientMembers: ReadonlySet<string>;
  report(path: ManifestPath, message: string, at?: "key" | "value"): void;
  /** ` (did you mean "X"?)`, or "" when nothing is close. */
  suggest(name: string, known: Iterable<string>): string;
  /** The operation a "resource.operation" reference names; reports and answers undefined when there is none. */
  operationAt(path: ManifestPath, reference: string): ManifestOperation | undefined;
}

/** What the core's normalizer has built when a capability normalizes its section. */
export interface NormalizeContext {
  resources: IrResource[];
  types: IrType[];
  /** The resource and operation a validated "resource.operation" reference names. */
  operationNamed(reference: string): { resource: IrResource; operation: IrOperation };
  /** A validated reference to an object type. */
  objectType(name: string | undefined): IrObjectType;
}

export type ClassParts = Required<Pick<ClassDeclarationStructure, "properties" | "methods">>;

/** The parts a capability adds to the generated client file. */
export interface ClientEmitter<Ir> {
  /** Declarations beside the client (exported types), before the options types. */
  declarations?(api: IrApi, ir: Ir, imports: Imports): StatementStructures[];
  /** Client options that are not plain values (so not in the option table), per flavour. */
  optionProperties?(api: IrApi, ir: Ir, flavour: ClientFlavour): OptionalKind<PropertySignatureStructure>[];
  /**
   * Options the sync client keeps in its calling thread, where it runs this capability's part itself, and the values
   * the async client in its worker gets for them instead.
   */
  callerOptions?: { names: readonly string[]; worker?: Record<string, unknown> };
  /** Lines of the core's settings it sets (`options` and `clientDefaults` in scope), e.g. a request gate. */
  coreSettings?(ir: Ir, imports: Imports): string[];
  /** Defaults of those options, as [name, TypeScript literal]. */
  defaults?(ir: Ir): [string, string][];
  /** Declarations both clients share (specs, settings builders), after the defaults. */
  shared(api: IrApi, ir: Ir, imports: Imports): StatementStructures[];
  /** Members of the client class of one flavour. */
  members(api: IrApi, ir: Ir, imports: Imports, flavour: ClientFlavour): ClassParts;
  /** Lines added to the example in a client class's doc comment. */
  classExample?(ir: Ir, flavour: ClientFlavour): string;
  /** The constructor statement that builds what the members use (`core` and `options` are in scope). */
  init(ir: Ir, flavour: ClientFlavour): string;
}

/** Parts of the generated README a capability adds. */
export interface DocParts {
  /** Its own README section (markdown, rendered from its template with `view` and the core's view). */
  template: URL;
  view: object;
  /** Lines added to the sync client's quick start. */
  syncQuickstart: string[];
  /** What the client logs, for the `logger` row ("defaulted flag checks"). */
  logCauses: string[];
  /** Where user data maps pass through untouched, beside map fields ("the flag-check context"). */
  passThroughMaps?: string;
  /** Sentences added to the sync client's lifecycle and options notes. */
  syncLifecycle?: string;
  syncOptions?: string;
  /** Rows of the README's options table for its options that are not plain values (a cache store...). */
  optionRows: { name: string; type: string; default: string; description: string }[];
}

/** A generated file of standalone exports (functions that need no client), re-exported from the package's entry. */
export interface StandaloneFile {
  /** Path relative to the output folder. */
  path: string;
  structure: SourceFileStructure;
  /** Names the package's entry re-exports from it (`type X` for a type). */
  exports: string[];
}

/**
 * A capability: a manifest section that adds members to the clients, with everything that goes with it. The core
 * knows servers, auth, options, errors, types and resources; it asks each capability whose section a manifest has.
 */
export interface Capability<Section, Ir> {
  /** The manifest section that turns it on; also its owner name in the runtime contract. */
  readonly key: Exclude<ContractOwner, "core">;
  /** JSON Schema of the section, a file beside the capability (the core's schema refers to it). */
  readonly schemaFile: URL;
  /** Client options it brings, with type, default and documentation. */
  readonly options: Readonly<Record<string, BuiltinOption>>;
  /** Whether it brings offline mode (the `offline` option and OfflineError). */
  readonly offline: boolean;
  /** Public members it adds to every client (resources and operations must not take them). */
  readonly members: readonly string[];
  /** Private members it adds to every client. */
  readonly privateMembers: readonly string[];
  /** Types it declares beside the clients, exported by the package. */
  readonly exportedNames: readonly string[];
  /** The rules of its section a JSON Schema cannot say. */
  check(section: Section, context: CheckContext): void;
  normalize(section: Section, context: NormalizeContext): Ir;
  readonly client: ClientEmitter<Ir>;
  /** Files of standalone exports beside the clients, if it has any (`runtimeEntry` as in EmitSettings). */
  standalone?(api: IrApi, ir: Ir, runtimeEntry: string): StandaloneFile[];
  /**
   * Operations its client code sends itself (a flag check): their descriptors load with the client instead of on their
   * resource's first call.
   */
  eagerOperations?(ir: Ir): IrOperation[];
  /** Models its standalone code converts (a webhook's event): their codecs load with the package too. */
  eagerModels?(ir: Ir): string[];
  /** What the sync client answers without a round trip, as phrases for its docs ("cache hits"). */
  localWork(ir: Ir): string[];
  docs(api: IrApi, ir: Ir): DocParts;
}
