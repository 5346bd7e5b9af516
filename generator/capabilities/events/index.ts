import { exampleValue } from "../../examples.js";
import type { Capability } from "../capability.js";
import { checkEvents } from "./check.js";
import { eventClient } from "./emit.js";
import { normalizeEvents } from "./normalize.js";
import { EVENT_OPTIONS } from "./options.js";
import type { IrEvents, ManifestEvents } from "./types.js";

const kindList = (events: IrEvents, separator: string) => events.kinds.map((kind) => `\`${kind.name}\``).join(separator);

/** Non-blocking event methods, queued and posted in batches through one operation, delivered before the process exits. */
export const events: Capability<ManifestEvents, IrEvents> = {
  key: "events",
  schemaFile: new URL("./schema.json", import.meta.url),
  options: EVENT_OPTIONS,
  offline: false,
  members: ["flush", "close", "eventStats"],
  privateMembers: ["eventBuffer"],
  exportedNames: [],
  check: checkEvents,
  normalize: normalizeEvents,
  client: eventClient,
  eagerOperations: (events) => [events.operation],
  localWork: (events) => [`queuing events (${kindList(events, "/")} hand the event to the worker without waiting)`],
  docs: (api, events) => ({
    template: new URL("./readme.md.hbs", import.meta.url),
    view: {
      maxBatchSize: events.maxBatchSize,
      kinds: events.kinds.map((kind) => ({
        name: kind.name,
        example: exampleValue(api, { kind: "ref", name: kind.body.name, nullable: false }),
      })),
    },
    syncQuickstart: ["client.close(); // delivers queued events, then stops the worker thread"],
    logCauses: ["failed event batches"],
    syncLifecycle:
      "Queued events are delivered before the process exits, as with the async client; `close()` delivers them, then stops the worker (a later request starts a new one).",
    optionRows: [],
  }),
};
