import type { IrObjectType, IrOperation, IrResource } from "../../ir.js";

/** The manifest's `events` section, once its schema (schema.json) has accepted it. */
export interface ManifestEvents {
  operation: string;
  batchField: string;
  maxBatchSize: number;
  fields: { apiKey: string; type: string; body: string; idempotencyKey: string; sentAt: string };
  kinds: Record<string, { type: string; body: string; description?: string }>;
}

/** Non-blocking event methods generated onto the client, posted in batches through one operation. */
export interface IrEvents {
  resource: IrResource;
  operation: IrOperation;
  /** Argument of the operation (camelCase) holding the list of events. */
  batchField: string;
  maxBatchSize: number;
  /** camelCase names of the fields of one event. */
  fields: { apiKey: string; type: string; body: string; idempotencyKey: string; sentAt: string };
  kinds: { name: string; type: string; body: IrObjectType; description?: string }[];
}
