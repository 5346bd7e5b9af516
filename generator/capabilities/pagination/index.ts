import { exampleArgument } from "../../examples.js";
import type { IrApi, IrOperation } from "../../ir.js";
import type { Capability } from "../capability.js";
import { checkPagination } from "./check.js";
import { normalizePagination } from "./normalize.js";
import type { IrPagination, IrPaging, ManifestPagination } from "./types.js";

/** The docs' argument of a paged call: the operation's example, else its required fields and a page size of 100. */
function pagedArgument(api: IrApi, op: IrOperation, paging: IrPaging): string {
  if (op.example !== undefined) return exampleArgument(api, op)!;
  const size = paging.style === "offset" ? paging.limit : paging.style === "page" ? paging.perPage : undefined;
  const required = exampleArgument(api, op);
  const sizeField = size === undefined ? "" : `${size}: 100`;
  if (required === undefined) return sizeField === "" ? "" : `{ ${sizeField} }`;
  return sizeField === "" ? required : required.replace(/ \}$/, `, ${sizeField} }`);
}

/**
 * List operations that answer in pages. It adds no client member: the resource emitter reads each operation's
 * `paging`, and its methods answer a first page that iterates every item of every page.
 */
export const pagination: Capability<ManifestPagination, IrPagination> = {
  key: "pagination",
  schemaFile: new URL("./schema.json", import.meta.url),
  options: {},
  offline: false,
  members: [],
  privateMembers: [],
  exportedNames: [],
  check: checkPagination,
  normalize: normalizePagination,
  client: {
    shared: () => [],
    members: () => ({ properties: [], methods: [] }),
    init: () => "",
  },
  localWork: () => [],
  docs: (api, ir) => {
    const first = ir.operations[0];
    const resource = first && api.resources.find((r) => r.operations.includes(first.operation));
    return {
      template: new URL("./readme.md.hbs", import.meta.url),
      view: {
        call: first && resource ? `client.${resource.name}.${first.operation.name}(${pagedArgument(api, first.operation, first.paging)})` : undefined,
        operations: ir.operations.map(({ operation, paging }) => ({
          name: `${api.resources.find((r) => r.operations.includes(operation))!.name}.${operation.name}`,
          style: paging.style,
        })),
      },
      syncQuickstart: [],
      logCauses: [],
      optionRows: [],
    };
  },
};
