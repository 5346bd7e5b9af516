import type { Capability } from "../capability.js";
import { checkWebhooks } from "./check.js";
import { webhookClient, webhookStandalone } from "./emit.js";
import { normalizeWebhooks } from "./normalize.js";
import type { IrWebhooks, ManifestWebhooks } from "./types.js";

/** Webhook verification: standalone functions beside the clients that check a request's signature and timestamp and decode its body. */
export const webhooks: Capability<ManifestWebhooks, IrWebhooks> = {
  key: "webhooks",
  schemaFile: new URL("./schema.json", import.meta.url),
  options: {},
  offline: false,
  members: [],
  privateMembers: [],
  exportedNames: [],
  check: checkWebhooks,
  normalize: normalizeWebhooks,
  client: webhookClient,
  standalone: webhookStandalone,
  eagerModels: (webhooks) => [webhooks.eventType],
  localWork: () => [],
  docs: (_api, webhooks) => ({
    template: new URL("./readme.md.hbs", import.meta.url),
    view: {
      signatureHeader: webhooks.signatureHeader,
      timestampHeader: webhooks.timestampHeader,
      toleranceMs: webhooks.toleranceMs,
      toleranceSeconds: webhooks.toleranceMs / 1000,
      eventType: webhooks.eventType,
    },
    syncQuickstart: [],
    logCauses: [],
    optionRows: [],
  }),
};
