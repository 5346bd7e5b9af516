import type { DocumentPlace } from "./document.js";

/** Something of the document the manifest cannot say: where, what, and what the importer did instead. */
export interface Unexpressed {
  place: DocumentPlace;
  /** The construct, as a short stable name ("header parameter"), for counting. */
  construct: string;
  /** What was done instead ("operation not imported", "typed as any"). */
  outcome: string;
}

/** What an import brought in and what it could not express; never a silent drop. */
export class ImportReport {
  readonly unexpressed: Unexpressed[] = [];
  operations = { total: 0, imported: 0 };
  schemas = { total: 0, imported: 0, inlined: 0 };
  /** Types named by the importer for inline schemas. */
  inlineTypes = 0;

  note(place: DocumentPlace, construct: string, outcome: string): void {
    this.unexpressed.push({ place, construct, outcome });
  }

  /** How many of each construct, most frequent first. */
  counts(): [string, number][] {
    const counts = new Map<string, number>();
    for (const { construct } of this.unexpressed) counts.set(construct, (counts.get(construct) ?? 0) + 1);
    return [...counts.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  }

  /** The summary the command prints: figures, then each construct with its count and its places. */
  format(file: string, maxPlaces = 5): string {
    const lines = [
      `operations: ${this.operations.imported} of ${this.operations.total} imported`,
      `schemas: ${this.schemas.imported} of ${this.schemas.total} components imported as types, ${this.schemas.inlined} used in place (aliases of a list, map or scalar); ${this.inlineTypes} inline schemas named as types`,
    ];
    const counts = this.counts();
    if (counts.length === 0) lines.push("everything in the document was expressed");
    else lines.push(`not expressible (${this.unexpressed.length}):`);
    for (const [construct, count] of counts) {
      const items = this.unexpressed.filter((item) => item.construct === construct);
      const outcomes = [...new Set(items.map((item) => item.outcome))].join("; ");
      lines.push(`  ${construct}: ${count} (${outcomes})`);
      for (const { place } of items.slice(0, maxPlaces)) {
        lines.push(`    ${file}${place.line === undefined ? "" : `:${place.line}:${place.column}`} ${place.pointer}`);
      }
      if (items.length > maxPlaces) lines.push(`    ... and ${items.length - maxPlaces} more`);
    }
    return lines.join("\n");
  }
}
