import { InvalidArgumentError } from "./errors.js";
import { truncate } from "./log-limiter.js";
import { checkPositiveMs } from "./options.js";
import { describe } from "./url.js";

/** How a field of an event body is checked when the event is accepted (generated from the manifest's types). */
export type FieldRule = readonly [name: string, kind: "string" | "number" | "integer" | "boolean" | "map" | "stringMap" | "object" | "list" | "any", required: boolean, minimum?: number];

export interface EventOptions {
  /** Events with the same key are counted once by the service (for 24 hours); one is generated when absent. */
  idempotencyKey?: string;
  /** When the event happened. @default the time of the call */
  sentAt?: Date;
}

/** The settings of an event queue, checked as the client is built. */
export function checkEventSettings(settings: { flushIntervalMs: number; closeTimeoutMs: number; maxQueuedEvents: number }): void {
  checkPositiveMs("flushIntervalMs", settings.flushIntervalMs);
  checkPositiveMs("closeTimeoutMs", settings.closeTimeoutMs);
  if (!Number.isInteger(settings.maxQueuedEvents) || settings.maxQueuedEvents < 1) {
    throw new InvalidArgumentError(`maxQueuedEvents must be a whole number, 1 or more, got ${describe(settings.maxQueuedEvents)}`);
  }
}

/** Checks an event and its options against the manifest's rules; returns its kind. Throws InvalidArgumentError. */
export function checkEvent<Kind>(kinds: Readonly<Record<string, Kind & { rules: readonly FieldRule[] }>>, kind: string, body: unknown, options: EventOptions = {}): Kind {
  const eventKind = kinds[kind]!;
  checkBody(kind, body, eventKind.rules);
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`${kind}: options must be an object, got ${describe(options)}`);
  if (options.idempotencyKey !== undefined && (typeof options.idempotencyKey !== "string" || options.idempotencyKey === "")) {
    throw new InvalidArgumentError(`${kind}: idempotencyKey must be a non-empty string, got ${describe(options.idempotencyKey)}`);
  }
  if (options.sentAt !== undefined && !(options.sentAt instanceof Date && !Number.isNaN(options.sentAt.getTime()))) {
    throw new InvalidArgumentError(`${kind}: sentAt must be a valid Date, got ${describe(options.sentAt)}`);
  }
  return eventKind;
}

function checkBody(kind: string, body: unknown, rules: readonly FieldRule[]): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidArgumentError(`${kind} takes an object, got ${describe(body)}`);
  }
  const record = body as Record<string, unknown>;
  for (const [name, kind_, required, minimum] of rules) {
    const value = record[name];
    const where = `${kind}: "${name}"`;
    if (value === undefined || value === null) {
      if (required) throw new InvalidArgumentError(`${where} is required`);
      continue;
    }
    const fail = (expected: string) => {
      throw new InvalidArgumentError(`${where} must be ${expected}, got ${describe(value)}`);
    };
    switch (kind_) {
      case "string":
        if (typeof value !== "string" || (required && value === "")) fail(required ? "a non-empty string" : "a string");
        break;
      case "integer":
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value) || (kind_ === "integer" && !Number.isInteger(value))) {
          fail(kind_ === "integer" ? "a whole number" : "a finite number");
        }
        if (minimum !== undefined && (value as number) < minimum) fail(`${minimum} or more`);
        break;
      case "boolean":
        if (typeof value !== "boolean") fail("true or false");
        break;
      case "list":
        if (!Array.isArray(value)) fail("a list");
        break;
      case "stringMap":
        if (typeof value !== "object" || Array.isArray(value)) fail("an object of strings");
        for (const [key, inner] of Object.entries(value as object)) {
          if (typeof inner !== "string") throw new InvalidArgumentError(`${where}.${key} must be a string, got ${describe(inner)}`);
        }
        break;
      case "map":
      case "object":
        if (typeof value !== "object" || Array.isArray(value)) fail("an object");
        break;
      case "any":
        break;
    }
  }
  checkJsonData(kind, record);
}

/** Deepest nesting accepted in an event body: far beyond any real traits, well within what JSON.stringify can write. */
export const MAX_EVENT_BODY_DEPTH = 1_000;

/**
 * Refuses what JSON cannot carry, anywhere in the body: a BigInt (JSON.stringify throws, failing the whole batch),
 * a circular reference (the same), a function or a symbol (silently left out), and nesting deeper than
 * MAX_EVENT_BODY_DEPTH. The cap bounds the walk's recursion (no stack overflow) and the linear search of `ancestors`
 * (at most ~500 000 comparisons at full depth), which on the flat bodies of real events is faster than a Set. The path
 * to a bad value is built only when one is found, so a good event costs one walk and no strings.
 */
function checkJsonData(kind: string, body: object): void {
  const ancestors: object[] = [];
  const path: (string | number)[] = [];
  const problem = findNonJson(body, ancestors, path);
  if (problem === undefined) return;
  const where = path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("").slice(1);
  throw new InvalidArgumentError(`${kind}: "${truncate(where, 200)}" ${problem}`);
}

function findNonJson(value: unknown, ancestors: object[], path: (string | number)[]): string | undefined {
  if (typeof value !== "object") return nonJsonValue(value);
  // JSON writes what toJSON returns (a Date's string, say), not the object's own fields.
  if (value === null || typeof (value as { toJSON?: unknown }).toJSON === "function") return undefined;
  if (ancestors.includes(value)) return "refers back to an object that contains it (a circular reference)";
  if (ancestors.length >= MAX_EVENT_BODY_DEPTH) return `is nested more than ${MAX_EVENT_BODY_DEPTH} levels deep, which the event body may not be`;
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const problem = findNonJson(value[i], ancestors, path);
      if (problem !== undefined) return problem;
      path.pop();
    }
  } else {
    for (const key of Object.keys(value)) {
      path.push(key);
      const problem = findNonJson((value as Record<string, unknown>)[key], ancestors, path);
      if (problem !== undefined) return problem;
      path.pop();
    }
  }
  ancestors.pop();
  return undefined;
}

function nonJsonValue(value: unknown): string | undefined {
  switch (typeof value) {
    case "bigint":
      return "is a BigInt, which JSON cannot carry: pass a number or a string";
    case "function":
      return "is a function, which JSON cannot carry";
    case "symbol":
      return "is a symbol, which JSON cannot carry";
    default:
      return undefined;
  }
}
