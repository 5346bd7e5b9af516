import { sorted } from "../../manifest.js";
import type { NormalizeContext } from "../capability.js";
import type { IrEvents, ManifestEvents } from "./types.js";

export function normalizeEvents(events: ManifestEvents, context: NormalizeContext): IrEvents {
  const { resource, operation } = context.operationNamed(events.operation);
  const batch = context.objectType(operation.body).properties.find((p) => p.wireName === events.batchField)!;
  const item = context.objectType(batch.type.kind === "list" && batch.type.item.kind === "ref" ? batch.type.item.name : undefined);
  const tsName = (wireName: string) => item.properties.find((p) => p.wireName === wireName)!.tsName;
  return {
    resource,
    operation,
    batchField: batch.tsName,
    maxBatchSize: events.maxBatchSize,
    fields: {
      apiKey: tsName(events.fields.apiKey),
      type: tsName(events.fields.type),
      body: tsName(events.fields.body),
      idempotencyKey: tsName(events.fields.idempotencyKey),
      sentAt: tsName(events.fields.sentAt),
    },
    kinds: sorted(events.kinds).map(([name, kind]) => ({ name, type: kind.type, body: context.objectType(kind.body), description: kind.description })),
  };
}
