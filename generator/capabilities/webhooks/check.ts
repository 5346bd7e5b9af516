import type { CheckContext } from "../capability.js";
import type { ManifestWebhooks } from "./types.js";

/** A header name as HTTP allows it (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The headers are names HTTP allows and differ from each other; the event type is an object or a union. */
export function checkWebhooks(webhooks: ManifestWebhooks, context: CheckContext): void {
  const path = ["webhooks"];
  for (const field of ["signatureHeader", "timestampHeader"] as const) {
    const name = webhooks[field];
    if (!HEADER_NAME.test(name)) {
      context.report([...path, field], `"${name}" is not a header name (letters, digits and !#$%&'*+.^_\`|~- only, no spaces or colons)`);
    }
  }
  if (webhooks.signatureHeader.toLowerCase() === webhooks.timestampHeader.toLowerCase()) {
    context.report([...path, "timestampHeader"], `must differ from signatureHeader ("${webhooks.signatureHeader}"): header names are case-insensitive`);
  }
  const type = Object.hasOwn(context.data.types, webhooks.event) ? context.data.types[webhooks.event] : undefined;
  if (type === undefined) {
    context.report([...path, "event"], `"${webhooks.event}" is not a type of this manifest${context.suggest(webhooks.event, Object.keys(context.data.types))}`);
  } else if (!type.properties && !type.oneOf) {
    context.report([...path, "event"], `"${webhooks.event}" must be an object type or a union of object types, as a webhook body is a JSON object`);
  }
}
