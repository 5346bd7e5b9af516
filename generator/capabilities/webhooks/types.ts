/** The manifest's `webhooks` section, once its schema (schema.json) has accepted it. */
export interface ManifestWebhooks {
  signatureHeader: string;
  timestampHeader: string;
  scheme: WebhookScheme;
  toleranceMs?: number;
  event: string;
}

/** How a service signs its webhook requests: only one so far (see schema.json). */
export type WebhookScheme = "hmac-sha256-hex";

/** Webhook verification generated as standalone functions beside the clients. */
export interface IrWebhooks {
  /** Header names as the manifest writes them (the runtime reads them in any case). */
  signatureHeader: string;
  timestampHeader: string;
  scheme: WebhookScheme;
  toleranceMs: number;
  /** Name of the type a verified body decodes to. */
  eventType: string;
}

/** The replay window when the manifest names none: five minutes, as most signing services use. */
export const DEFAULT_TOLERANCE_MS = 300_000;
