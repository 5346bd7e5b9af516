import type { IrOperation, IrTypeRef } from "../../ir.js";

/** One way pages follow one another, as the manifest writes it (wire names; unnamed parameters take their defaults). */
export interface ManifestPagingStyle {
  style: "offset" | "page" | "cursor";
  offset?: string;
  limit?: string;
  page?: string;
  perPage?: string;
  firstPage?: number;
  cursor?: string;
  nextCursor?: string;
  items?: string;
}

/** The manifest's `pagination` section, once its schema (schema.json) has accepted it. */
export interface ManifestPagination {
  default?: ManifestPagingStyle;
  resources?: Record<string, ManifestPagingStyle | false>;
  operations?: Record<string, ManifestPagingStyle | false>;
}

/** How one operation pages: names are the TypeScript names of its parameters and of its result's fields. */
export type IrPaging = { items?: string; item: IrTypeRef } & (
  | { style: "offset"; offset: string; limit: string }
  | { style: "page"; page: string; perPage: string; firstPage: number }
  | { style: "cursor"; cursor: string; nextCursor: string }
);

/** The operations that answer in pages. */
export interface IrPagination {
  operations: { operation: IrOperation; paging: IrPaging }[];
}
