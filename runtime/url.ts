import { InvalidArgumentError } from "./errors.js";

export type QueryArrayFormat = "repeat" | "comma";

/** Percent-encodes one path parameter; refuses values that would change the path's shape. */
export function encodePathParam(name: string, value: unknown): string {
  if (typeof value !== "string" && typeof value !== "number") {
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

function queryValue(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Encodes query parameters; undefined and null are left out, arrays follow the API's array format. */
export function buildQuery(
  params: readonly (readonly [tsName: string, wireName: string])[],
  values: Readonly<Record<string, unknown>>,
  arrays: QueryArrayFormat,
): string {
  const search = new URLSearchParams();
  for (const [tsName, wireName] of params) {
    const value = values[tsName];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      search.append(wireName, queryValue(value));
    } else if (arrays === "comma") {
      if (value.length > 0) search.append(wireName, value.map(queryValue).join(","));
    } else {
      for (const item of value) search.append(wireName, queryValue(item));
    }
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value === "string" ? `string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`;
}
