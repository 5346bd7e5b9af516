import { TRANSPORT_OPTIONS, type BuiltinOption } from "../builtin-options.js";
import type { IrApi } from "../ir.js";
import type { Capability } from "./capability.js";
import { events } from "./events/index.js";
import { flagChecks } from "./flag-checks/index.js";
import { pagination } from "./pagination/index.js";
import { webhooks } from "./webhooks/index.js";
import type { IrEvents, ManifestEvents } from "./events/types.js";
import type { IrFlagChecks, ManifestFlagChecks } from "./flag-checks/types.js";
import type { IrPagination, ManifestPagination } from "./pagination/types.js";
import type { IrWebhooks, ManifestWebhooks } from "./webhooks/types.js";

/** Every capability, in the order their members and docs appear. */
export const CAPABILITIES = [flagChecks, events, pagination, webhooks] as const;

/** The manifest sections of the capabilities. */
export interface CapabilitySections {
  flagChecks?: ManifestFlagChecks;
  events?: ManifestEvents;
  pagination?: ManifestPagination;
  webhooks?: ManifestWebhooks;
}

/** The IR of the capabilities a manifest uses. */
export interface CapabilityIr {
  flagChecks?: IrFlagChecks;
  events?: IrEvents;
  pagination?: IrPagination;
  webhooks?: IrWebhooks;
}

/** A capability a manifest uses, with its IR (typed loosely: each capability knows its own). */
export interface UsedCapability {
  capability: Capability<unknown, unknown>;
  ir: unknown;
}

/** The capabilities an API uses, in CAPABILITIES order. */
export function usedCapabilities(api: IrApi): UsedCapability[] {
  return CAPABILITIES.flatMap((capability) => {
    const ir = api.capabilities[capability.key];
    return ir === undefined ? [] : [{ capability: capability as Capability<unknown, unknown>, ir }];
  });
}

/** Public members capabilities add to a client: resources, operations and event kinds must not take them. */
export const CLIENT_MEMBERS: ReadonlySet<string> = new Set([
  // The core's own: the sync client's view whose calls answer each result beside its response.
  "withResponse",
  ...CAPABILITIES.flatMap((capability) => capability.members),
]);

/** Private members capabilities add to a client. */
export const CLIENT_PRIVATE_MEMBERS: readonly string[] = CAPABILITIES.flatMap((capability) => capability.privateMembers);

/** The built-in options of a client: the transport's, and those of each capability its manifest declares. */
export function builtinOptions(manifest: object): Record<string, BuiltinOption> {
  const options: Record<string, BuiltinOption> = { ...TRANSPORT_OPTIONS };
  for (const capability of CAPABILITIES) if (Object.hasOwn(manifest, capability.key)) Object.assign(options, capability.options);
  return options;
}

/** The capability each capability option belongs to, named as the manifest section that enables it. */
export const CAPABILITY_OF_OPTION: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(CAPABILITIES.flatMap((capability) => Object.keys(capability.options).map((name) => [name, capability.key]))),
);
