/**
 * The request a call should put on the wire, computed from the manifest alone: RFC 3986 percent-encoding for path
 * segments, WHATWG form encoding for query names and values, the manifest's array format and query styles, the
 * auth scheme's header or query parameter, and the JSON body in wire names. None of the runtime's encoders is used.
 */
import type { IrApi, IrOperation, IrParam } from "../../../generator/ir.js";
import { toWire } from "./convert.js";

export interface WireRequest {
  method: string;
  path: string;
  /** `name=value` pairs as sent (encoded); compared in order within each name. */
  query: string[];
  headers: Record<string, string>;
  /** The JSON body, parsed; undefined when none is sent. */
  body: unknown;
}

export interface Credentials {
  secret: string;
  username?: string;
}

const ACCEPT = { json: "application/json", binary: "*/*", text: "text/*" } as const;
const HEX = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;

/** Percent-encodes UTF-8 bytes, keeping `keep` characters (and the unreserved ones) as they are. */
function percentEncode(text: string, keep: RegExp): string {
  let out = "";
  for (const char of text) {
    if (/^[A-Za-z0-9]$/.test(char) || keep.test(char)) out += char;
    else for (const byte of Buffer.from(char, "utf8")) out += HEX(byte);
  }
  return out;
}

/** A path segment: unreserved characters and the sub-delimiters JavaScript leaves alone stay, the rest is encoded. */
export const encodePathSegment = (text: string) => percentEncode(text, /^[-._~!'()*]$/);

/** application/x-www-form-urlencoded as the URL standard writes it: only `*-._` stay, space is "+". */
export const formEncode = (text: string) => percentEncode(text, /^[*\-._ ]$/).replace(/ /g, "+");

function queryText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function queryPairs(api: IrApi, param: IrParam, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const name = formEncode(param.wireName);
  if (param.style) {
    const wire = toWire(api, param.type, value) as Record<string, unknown>;
    return Object.entries(wire)
      .filter(([, item]) => item !== undefined && item !== null)
      .map(([key, item]) => `${param.style === "form" ? formEncode(key) : `${name}[${formEncode(key)}]`}=${formEncode(queryText(item))}`);
  }
  if (!Array.isArray(value)) return [`${name}=${formEncode(queryText(value))}`];
  if (api.queryArrays === "repeat") return value.map((item) => `${name}=${formEncode(queryText(item))}`);
  return value.length === 0 ? [] : [`${name}=${formEncode(value.map(queryText).join(","))}`];
}

function authHeaders(api: IrApi, credentials: Credentials): Record<string, string> {
  const { auth } = api;
  switch (auth.scheme) {
    case "apiKeyHeader":
      return { [auth.header!.toLowerCase()]: credentials.secret };
    case "bearer":
      return { authorization: `Bearer ${credentials.secret}` };
    case "basic":
      return { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString("base64")}` };
    default:
      return {};
  }
}

/** Headers every request carries by the manifest's `headers` option default. */
function defaultHeaders(api: IrApi): Record<string, string> {
  const option = api.options.find((o) => o.name === "headers");
  const value = (option?.default ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(value).map(([name, text]) => [name.toLowerCase(), text]));
}

export function expectedRequest(api: IrApi, op: IrOperation, args: Record<string, unknown>, credentials: Credentials): WireRequest {
  let path = op.path;
  for (const param of op.pathParams) path = path.replace(`{${param.wireName}}`, encodePathSegment(String(args[param.tsName])));
  const query = op.queryParams.flatMap((param) => queryPairs(api, param, args[param.tsName]));
  if (api.auth.scheme === "apiKeyQuery") query.push(`${formEncode(api.auth.query!)}=${formEncode(credentials.secret)}`);
  const headers: Record<string, string> = { ...defaultHeaders(api), ...authHeaders(api, credentials), accept: ACCEPT[op.response.content] };
  if (op.body !== undefined) headers["content-type"] = "application/json";
  const body = op.body === undefined ? undefined : toWire(api, { kind: "ref", name: op.body, nullable: false }, args);
  return { method: op.method, path, query, headers, body };
}

/** Query pairs in a comparable order: by name, keeping the order of a name's own values (a list's items). */
export function orderedPairs(pairs: readonly string[]): string[] {
  const nameOf = (pair: string) => pair.slice(0, pair.indexOf("="));
  return pairs
    .map((pair, index) => ({ pair, index }))
    .sort((a, b) => (nameOf(a.pair) < nameOf(b.pair) ? -1 : nameOf(a.pair) > nameOf(b.pair) ? 1 : a.index - b.index))
    .map(({ pair }) => pair);
}
