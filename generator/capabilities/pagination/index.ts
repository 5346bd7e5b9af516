import type { Capability } from "../capability.js";
import { checkPagination } from "./check.js";
import { normalizePagination } from "./normalize.js";
import type { IrPagination, ManifestPagination } from "./types.js";

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
        call: first && resource ? `client.${resource.name}.${first.operation.name}` : undefined,
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
