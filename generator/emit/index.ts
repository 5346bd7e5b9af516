import { Project, StructureKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import { usedCapabilities } from "../capabilities/index.js";
import type { IrApi } from "../ir.js";
import { emitClient } from "./client.js";
import { emitCodecs } from "./codecs.js";
import { emitErrors } from "./errors.js";
import { emitIndex } from "./index-file.js";
import { files, type EmitSettings } from "./layout.js";
import { emitResource } from "./resources.js";
import { emitTypes } from "./types.js";

export interface SourceText {
  /** Path relative to the output folder. */
  path: string;
  text: string;
}

/** Every TypeScript file of the SDK as unformatted text: structures built by the emitters, printed by ts-morph. */
export function emitSources(api: IrApi, settings: EmitSettings): SourceText[] {
  const { runtimeEntry } = settings;
  const structures: [string, SourceFileStructure][] = [
    [files.types, emitTypes(api)],
    [files.codecs, emitCodecs(api, runtimeEntry)],
    [files.errors, emitErrors(api, runtimeEntry)],
    ...api.resources.map((resource): [string, SourceFileStructure] => [files.resource(resource.name), emitResource(api, resource, runtimeEntry)]),
    [files.client, emitClient(api, runtimeEntry)],
    // Standalone exports of capabilities (functions that need no client), each in a file of its own.
    ...usedCapabilities(api).flatMap(({ capability, ir }) =>
      (capability.standalone?.(api, ir, runtimeEntry) ?? []).map((file): [string, SourceFileStructure] => [file.path, file.structure]),
    ),
    [files.index, emitIndex(api, runtimeEntry)],
  ];
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  return structures.map(([path, structure]) => ({
    path,
    text: project.createSourceFile(path, separated(structure)).getFullText(),
  }));
}

const GROUPED = new Set<StructureKind>([StructureKind.ImportDeclaration, StructureKind.ExportDeclaration]);

/** A blank line before every declaration; imports and re-exports stay together. */
function separated(structure: SourceFileStructure): SourceFileStructure {
  const statements = (structure.statements as StatementStructures[]).map((statement) =>
    GROUPED.has(statement.kind) ? statement : { ...statement, leadingTrivia: (writer: { blankLineIfLastNot(): void }) => writer.blankLineIfLastNot() },
  );
  return { ...structure, statements };
}
