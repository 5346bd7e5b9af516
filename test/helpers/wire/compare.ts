// What differs between a call's expected wire exchange and what the client did, one line per difference.
import { inspect, isDeepStrictEqual } from "node:util";
import type { RecordedRequest } from "../server.js";
import { orderedPairs } from "./expected-request.js";
import type { WireCall } from "./plan.js";
import type { CallResult } from "./sync-thread.js";

const show = (value: unknown) => inspect(value, { depth: 8, breakLength: Infinity, maxStringLength: 300 });

export function differences(call: WireCall, recorded: RecordedRequest | undefined, outcome: CallResult): string[] {
  const problems: string[] = [];
  if ("error" in outcome) problems.push(`threw ${outcome.error}`);
  if (recorded === undefined) return [...problems, "no request reached the server"];
  const expected = call.request;
  const [rawPath = "", rawQuery = ""] = splitOnce(recorded.url, "?");
  if (recorded.method !== expected.method) problems.push(`method: expected ${expected.method}, sent ${recorded.method}`);
  if (rawPath !== expected.path) problems.push(`path: expected ${expected.path}, sent ${rawPath}`);
  const query = orderedPairs(rawQuery === "" ? [] : rawQuery.split("&"));
  if (!isDeepStrictEqual(query, orderedPairs(expected.query))) problems.push(`query: expected ${show(orderedPairs(expected.query).join("&"))}, sent ${show(query.join("&"))}`);
  for (const [name, value] of Object.entries(expected.headers)) {
    if (recorded.headers[name] !== value) problems.push(`header ${name}: expected ${show(value)}, sent ${show(recorded.headers[name])}`);
  }
  if (expected.body === undefined) {
    if (recorded.body !== "") problems.push(`body: expected none, sent ${show(recorded.body)}`);
    if (recorded.headers["content-type"] !== undefined) problems.push(`header content-type: expected none, sent ${show(recorded.headers["content-type"])}`);
  } else {
    let body: unknown;
    try {
      body = JSON.parse(recorded.body);
    } catch {
      body = `(not JSON) ${recorded.body}`;
    }
    if (!isDeepStrictEqual(body, expected.body)) problems.push(`body: expected ${show(expected.body)}, sent ${show(body)}`);
  }
  if ("value" in outcome && !isDeepStrictEqual(outcome.value, call.result)) problems.push(`result: expected ${show(call.result)}, got ${show(outcome.value)}`);
  return problems;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
