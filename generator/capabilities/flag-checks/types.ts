import type { IrOperation, IrProperty, IrResource } from "../../ir.js";

/** The manifest's `flagChecks` section, once its schema (schema.json) has accepted it. */
export interface ManifestFlagChecks {
  operation: string;
  flagKey: string;
  context: string[];
  result: { value: string; flag: string; reason: string; error: string };
  cache: { maxSize: number; maxAgeMs: number };
}

/** Boolean checks generated onto the client, over one operation (all names are the SDK's camelCase names). */
export interface IrFlagChecks {
  resource: IrResource;
  operation: IrOperation;
  flagKeyParam: string;
  /** Body fields that form the context of a check. */
  contextFields: IrProperty[];
  /** Name of the operation's result type. */
  resultType: string;
  fields: { value: string; flag: string; reason: string; error: string };
  cache: { maxSize: number; maxAgeMs: number };
}
