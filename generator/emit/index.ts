import { StructureKind, printStructure, type SourceFileStructure, type StatementStructures } from "ts-morph";
import { usedCapabilities } from "../capabilities/index.js";
import type { IrApi } from "../ir.js";
import { emitClient } from "./client.js";
import { emitClientCodecs, emitCodecs } from "./codecs.js";
import { emitErrors } from "./errors.js";
import { emitIndex } from "./index-file.js";
import { files, type EmitSettings } from "./layout.js";
import { emitOperations, emitResource } from "./resources.js";
import { emitTypes } from "./types.js";

export interface SourceText {
  /** Path relative to the output folder. */
  path: string;
  text: string;
}

/**
 * Every TypeScript file of the SDK as unformatted text: structures built by the emitters, printed by ts-morph.
 * `onPrinted` is given each file as soon as it is printed, so that formatting can start before the last one is.
 */
export function emitSources(api: IrApi, settings: EmitSettings, onPrinted?: (source: SourceText) => void): SourceText[] {
  const { runtimeEntry } = settings;
  const structures: [string, SourceFileStructure][] = [
    [files.types, emitTypes(api)],
    [files.codecs, emitCodecs(api, runtimeEntry)],
    ...optional(files.clientCodecs, emitClientCodecs(api, runtimeEntry)),
    [files.errors, emitErrors(api, runtimeEntry)],
    ...api.resources.map((resource): [string, SourceFileStructure] => [files.resource(resource.name), emitResource(api, resource, runtimeEntry)]),
    ...api.resources.flatMap((resource) => optional(files.operations(resource.name), emitOperations(api, resource, runtimeEntry))),
    [files.client, emitClient(api, runtimeEntry)],
    // Standalone exports of capabilities (functions that need no client), each in a file of its own.
    ...usedCapabilities(api).flatMap(({ capability, ir }) =>
      (capability.standalone?.(api, ir, runtimeEntry) ?? []).map((file): [string, SourceFileStructure] => [file.path, file.structure]),
    ),
    [files.index, emitIndex(api, runtimeEntry)],
  ];
  return structures.map(([path, structure]) => {
    // Printed without the syntax tree a Project's createSourceFile would parse: the same text (a Project's default
    // indent is 4 spaces too, which keeps format cache keys), in about half the time.
    const source = { path, text: printStructure(separated(structure), { indentNumberOfSpaces: 4 }) };
    onPrinted?.(source);
    return source;
  });
}

const GROUPED = new Set<StructureKind>([StructureKind.ImportDeclaration, StructureKind.ExportDeclaration]);

/** A blank line before every declaration; imports and re-exports stay together. */
function separated(structure: SourceFileStructure): SourceFileStructure {
  const statements = (structure.statements as StatementStructures[]).map((statement) =>
    GROUPED.has(statement.kind) ? statement : { ...statement, leadingTrivia: (writer: { blankLineIfLastNot(): void }) => writer.blankLineIfLastNot() },
  );
  return { ...structure, statements };
}

/** A file that not every API has, as the entries of the list of files. */
const optional = (path: string, structure: SourceFileStructure | undefined): [string, SourceFileStructure][] =>
  structure === undefined ? [] : [[path, structure]];
