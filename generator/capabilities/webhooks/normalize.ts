import type { NormalizeContext } from "../capability.js";
import { DEFAULT_TOLERANCE_MS, type IrWebhooks, type ManifestWebhooks } from "./types.js";

export function normalizeWebhooks(webhooks: ManifestWebhooks, _context: NormalizeContext): IrWebhooks {
  return {
    signatureHeader: webhooks.signatureHeader,
    timestampHeader: webhooks.timestampHeader,
    scheme: webhooks.scheme,
    toleranceMs: webhooks.toleranceMs ?? DEFAULT_TOLERANCE_MS,
    eventType: webhooks.event,
  };
}
