import { isCalendarDate } from "./calendar-date.js";
import { InvalidArgumentError } from "./errors.js";

export type QueryArrayFormat = "repeat" | "comma";

/**
 * A query parameter of an operation: its names, and whether it takes a list. Descriptors that do not say accept a
 * list or a single value.
 */
export type QueryParam = readonly [tsName: string, wireName: string, shape?: "list" | "scalar", format?: "date"];

/** Percent-encodes one path parameter; refuses values that would change the path's shape. */
export function encodePathParam(name: string, value: unknown): string {
  if (typeof value !== "string" && !(typeof value === "number" && Number.isFinite(value))) {
    throw new InvalidArgumentError(`path parameter "${name}" must be a string, got ${describe(value)}`);
  }
  const text = String(value);
  if (text === "" || text === "." || text === "..") {
    throw new InvalidArgumentError(`path parameter "${name}" must not be ${text === "" ? "empty" : `"${text}"`}`);
  }
  return encodeURIComponent(text);
}

/** Fills `{wire_name}` placeholders of a path template. */
export function buildPath(
  template: string,
  params: readonly (readonly [tsName: string, wireName: string])[],
  values: Readonly<Record<string, unknown>>,
): string {
  let path = template;
  for (const [tsName, wireName] of params) {
    path = path.replace(`{${wireName}}`, encodePathParam(tsName, values[tsName]));
  }
  return path;
}

/** The text of one query value: a string, a finite number, a boolean, a bigint or a valid Date; nothing else. */
function queryValue(name: string, value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
    case "bigint":
      return String(value);
    case "number":
      if (Number.isFinite(value)) return String(value);
      break;
    case "object":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      break;
  }
  const shown = value instanceof Date ? "an invalid Date" : describe(value);
  throw new InvalidArgumentError(`query parameter "${name}" must be a string, a finite number, a boolean or a Date, got ${shown}`);
}

/** A `date` query value: a real day written YYYY-MM-DD, sent as it is. */
function calendarDateValue(name: string, value: unknown): string {
  if (typeof value === "string" && isCalendarDate(value)) return value;
  throw new InvalidArgumentError(`query parameter "${name}" must be a calendar date written YYYY-MM-DD, got ${describe(value)}`);
}

/** Encodes query parameters; undefined and null are left out, arrays follow the API's array format. */
export function buildQuery(params: readonly QueryParam[], values: Readonly<Record<string, unknown>>, arrays: QueryArrayFormat): string {
  const search = new URLSearchParams();
  for (const [tsName, wireName, shape, format] of params) {
    const value = values[tsName];
    if (value === undefined || value === null) continue;
    const text = format === "date" ? calendarDateValue : queryValue;
    if (!Array.isArray(value)) {
      if (shape === "list") throw new InvalidArgumentError(`query parameter "${tsName}" must be a list, got ${describe(value)}`);
      search.append(wireName, text(tsName, value));
      continue;
    }
    if (shape === "scalar") throw new InvalidArgumentError(`query parameter "${tsName}" takes one value, got an array`);
    const items = value.map((item, index) => text(`${tsName}[${index}]`, item));
    if (arrays === "comma") {
      if (items.length > 0) search.append(wireName, items.join(","));
    } else {
      for (const item of items) search.append(wireName, item);
    }
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** The kind of a value without the value ("a number", "an array", "null"): for values that may be secrets. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** A short description of a value for an error message; long strings are cut. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
