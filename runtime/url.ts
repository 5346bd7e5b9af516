import { isCalendarDate } from "./calendar-date.js";
import type { Codec } from "./codec.js";
import { InvalidArgumentError } from "./errors.js";

export type QueryArrayFormat = "repeat" | "comma";

/**
 * A query parameter of an operation: its names, and whether it takes a list. Descriptors that do not say accept a
 * list or a single value. A map or object parameter gives its style instead, and the codec that turns its TypeScript
 * field names (and dates) into wire ones when it has one.
 */
export type QueryParam =
  | readonly [tsName: string, wireName: string, shape?: "list" | "scalar", format?: "date"]
  | readonly [tsName: string, wireName: string, style: EntriesStyle, codec?: Codec<any>];

/** How a map or object parameter is sent: form `email=a&id=b`, deepObject `keys[email]=a&keys[id]=b`. */
export type EntriesStyle = "form" | "deepObject";

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
function queryValue(name: string, value: unknown, key?: string): string {
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
  const where = key === undefined ? "" : ` key ${shownKey(key)}`;
  throw new InvalidArgumentError(`query parameter "${name}"${where} must be a string, a finite number, a boolean or a Date, got ${shown}`);
}

/** A `date` query value: a real day written YYYY-MM-DD, sent as it is. */
function calendarDateValue(name: string, value: unknown): string {
  if (typeof value === "string" && isCalendarDate(value)) return value;
  throw new InvalidArgumentError(`query parameter "${name}" must be a calendar date written YYYY-MM-DD, got ${describe(value)}`);
}

/**
 * Encodes query parameters; undefined and null are left out, arrays follow the API's array format, maps and objects
 * their style. Names and values are form-encoded as URLSearchParams does (space as "+"); the brackets of deepObject
 * stay literal, as qs, Express, Rails and PHP write and read them (a bracket inside a key is percent-encoded).
 */
/**
 * `authName`: the query parameter that carries the credentials, if any. A form-style entry may not take its name, nor
 * another parameter's, nor one another entry took: a caller's map (often user data) must not shadow or add to them.
 */
export function buildQuery(params: readonly QueryParam[], values: Readonly<Record<string, unknown>>, arrays: QueryArrayFormat, authName?: string): string {
  const pairs: string[] = [];
  const add = (name: string, value: string) => pairs.push(`${name}=${formEncode(value)}`);
  // Built at the first form-style entry only: most calls have none, and this runs for every request.
  let taken: Set<string> | undefined;
  for (const param of params) {
    const [tsName, wireName, shape] = param;
    const value = values[tsName];
    if (value === undefined || value === null) continue;
    if (shape === "form" || shape === "deepObject") {
      for (const [key, text] of entriesOf(tsName, value, param[3] as Codec<any> | undefined)) {
        if (shape === "form") {
          taken ??= new Set([...params.filter((other) => other[2] !== "form").map((other) => other[1]), ...(authName === undefined ? [] : [authName])]);
          if (taken.has(key)) {
            const whose = key === authName ? "the credentials'" : "another query parameter's or entry's";
            throw new InvalidArgumentError(`query parameter "${tsName}" key ${shownKey(key)} is ${whose} name; it would be sent twice`);
          }
          taken.add(key);
        }
        add(shape === "form" ? formEncode(key) : `${formEncode(wireName)}[${formEncode(key)}]`, text);
      }
      continue;
    }
    const text = param[3] === "date" ? calendarDateValue : queryValue;
    const name = formEncode(wireName);
    if (!Array.isArray(value)) {
      if (shape === "list") throw new InvalidArgumentError(`query parameter "${tsName}" must be a list, got ${describe(value)}`);
      add(name, text(tsName, value));
      continue;
    }
    if (shape === "scalar") throw new InvalidArgumentError(`query parameter "${tsName}" takes one value, got an array`);
    const items = value.map((item, index) => text(`${tsName}[${index}]`, item));
    if (arrays === "comma") {
      if (items.length > 0) add(name, items.join(","));
    } else {
      for (const item of items) add(name, item);
    }
  }
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}

/**
 * The entries of a map or object parameter as wire keys and texts. Values are checked as the caller wrote them (so
 * the error names their key), then converted by the codec (field names, dates) and written as query values.
 */
function entriesOf(name: string, value: unknown, codec: Codec<any> | undefined): [key: string, text: string][] {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Date) {
    throw new InvalidArgumentError(`query parameter "${name}" must be an object, got ${describe(value)}`);
  }
  for (const [key, item] of Object.entries(value)) {
    const scalar = item === null || item === undefined || item instanceof Date || (typeof item !== "object" && typeof item !== "function" && typeof item !== "symbol");
    if (!scalar) {
      throw new InvalidArgumentError(`query parameter "${name}" key ${shownKey(key)} must be a string, a number or a boolean, got ${describe(item)}`);
    }
  }
  let wire: object;
  try {
    wire = codec ? (codec.toWire(value) as object) : value;
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new InvalidArgumentError(`query parameter "${name}": ${error.message}`, { cause: error });
    throw error;
  }
  const entries: [string, string][] = [];
  for (const [key, item] of Object.entries(wire)) {
    if (item !== undefined && item !== null) entries.push([key, queryValue(name, item, key)]);
  }
  return entries;
}

/** A key of a map parameter as an error message quotes it: the caller's data, so quoted as JSON and cut when long. */
const shownKey = (key: string) => JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);

/** A UTF-16 half without its other half: encodeURIComponent throws on it, URLSearchParams writes U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/gu;

/** Form encoding (application/x-www-form-urlencoded) of one name or value: what URLSearchParams writes. */
function formEncode(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, "\uFFFD"))
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
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
