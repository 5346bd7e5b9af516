import { authScheme, fieldOf } from "../../manifest.js";
import type { CheckContext } from "../capability.js";
import type { ManifestEvents } from "./types.js";

/** The section names a batch operation whose list field holds objects with the named fields. */
export function checkEvents(events: ManifestEvents, context: CheckContext): void {
  const { data } = context;
  const path = ["events"];
  // Every queued event carries the client's key in its apiKey field: only a scheme with one key or token has one.
  const scheme = authScheme(data.auth);
  if (scheme !== "apiKeyHeader" && scheme !== "apiKeyQuery" && scheme !== "bearer") {
    context.report(
      [...path, "operation"],
      `events need an API key to put in each event: declare auth with scheme apiKeyHeader, apiKeyQuery or bearer (this manifest's is ${scheme ?? "unknown"})`,
    );
  }
  const op = context.operationAt([...path, "operation"], events.operation);
  if (!op) return;
  const batch = op.body === undefined ? undefined : data.types[op.body]?.properties?.[events.batchField];
  const item = batch === undefined ? undefined : /^list<([A-Z][A-Za-z0-9]*)>$/.exec(fieldOf(batch).type)?.[1];
  const itemType = item === undefined ? undefined : data.types[item];
  if (!itemType?.properties) {
    const fields = op.body === undefined ? undefined : data.types[op.body]?.properties;
    const hint = fields !== undefined && batch === undefined ? context.suggest(events.batchField, Object.keys(fields)) : "";
    return context.report([...path, "batchField"], `"${events.batchField}" must be a body field of ${events.operation} holding a list of an object type${hint}`);
  }
  for (const [role, field] of Object.entries(events.fields)) {
    if (!Object.hasOwn(itemType.properties, field)) {
      context.report([...path, "fields", role], `"${field}" is not a field of ${item}${context.suggest(field, Object.keys(itemType.properties))}`);
    }
  }
  for (const [kind, spec] of Object.entries(events.kinds)) {
    const kindPath = [...path, "kinds", kind];
    if (context.clientMembers.has(kind) || Object.hasOwn(data.resources, kind)) {
      context.report(kindPath, `event kind "${kind}" would take the name of a client member or resource`, "key");
    }
    if (!data.types[spec.body]?.properties) {
      const hint = Object.hasOwn(data.types, spec.body) ? "" : context.suggest(spec.body, Object.keys(data.types));
      context.report([...kindPath, "body"], `"${spec.body}" must be an object type${hint}`);
    }
  }
}
