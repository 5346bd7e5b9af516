import type { IrOperation, IrType, IrTypeRef } from "../../ir.js";
import type { NormalizeContext } from "../capability.js";
import { entryFor, pagingFit, withDefaults, type PagedOperationShape } from "./styles.js";
import type { IrPagination, IrPaging, ManifestPagination } from "./types.js";

function irShape(op: IrOperation, types: IrType[]): PagedOperationShape {
  return {
    query: new Map(op.queryParams.map((p) => [p.wireName, p.type])),
    result: op.response.content === "json" ? op.response.type : undefined,
    fieldsOf(typeName) {
      const type = types.find((t) => t.name === typeName);
      return type?.kind === "object" ? new Map(type.properties.map((p) => [p.wireName, p.type])) : undefined;
    },
  };
}

/** Marks each operation that pages with how (its `paging`, read by the resource emitter), in TypeScript names. */
export function normalizePagination(section: ManifestPagination, context: NormalizeContext): IrPagination {
  const operations: IrPagination["operations"] = [];
  for (const resource of context.resources) {
    for (const operation of resource.operations) {
      const { style } = entryFor(section, resource.name, operation.name);
      if (style === undefined || style === false) continue;
      const names = withDefaults(style);
      const fit = pagingFit(irShape(operation, context.types), names);
      if ("problem" in fit) continue; // a default that does not fit this operation; the checks refused explicit ones
      const param = (wireName: string) => operation.queryParams.find((p) => p.wireName === wireName)!.tsName;
      const result = operation.response.type as IrTypeRef;
      const field = (wireName: string) =>
        context.objectType(result.kind === "ref" ? result.name : undefined).properties.find((p) => p.wireName === wireName)!.tsName;
      const items = names.items === undefined ? undefined : field(names.items);
      const paging: IrPaging =
        names.style === "offset"
          ? { style: "offset", offset: param(names.offset), limit: param(names.limit), items, item: fit.item }
          : names.style === "page"
            ? { style: "page", page: param(names.page), perPage: param(names.perPage), firstPage: names.firstPage, items, item: fit.item }
            : { style: "cursor", cursor: param(names.cursor), nextCursor: field(names.nextCursor), items, item: fit.item };
      operation.paging = paging;
      operations.push({ operation, paging });
    }
  }
  return { operations };
}
