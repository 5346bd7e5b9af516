/**
 * The calls the harness makes for each operation: arguments from the types (and the manifest's example), the
 * response the server gives, and what the client should send and return, all computed from the manifest.
 */
import type { IrApi, IrOperation, IrTypeRef } from "../../../generator/ir.js";
import { fromWire } from "./convert.js";
import { expectedRequest, type Credentials, type WireRequest } from "./expected-request.js";
import { casesFor, nullableNull, optionalAbsent, wireSample, type SampleContext } from "./samples.js";
import { seededRandom } from "./seeded.js";

export interface PlannedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface WireCall {
  /** `resource.operation#case`, unique in its manifest. */
  id: string;
  resource: string;
  operation: string;
  args: Record<string, unknown>;
  /** False when the method takes no argument object (the operation has no parameters and no body): options only. */
  takesArgs: boolean;
  response: PlannedResponse;
  request: WireRequest;
  result: unknown;
}

const refTo = (name: string): IrTypeRef => ({ kind: "ref", name, nullable: false });

/** Every call of every operation of the manifest. */
export function planCalls(api: IrApi, credentials: Credentials): WireCall[] {
  return api.resources.flatMap((resource) => resource.operations.flatMap((op) => planOperation(api, resource.name, op, credentials)));
}

function planOperation(api: IrApi, resource: string, op: IrOperation, credentials: Credentials): WireCall[] {
  const bodyType = op.body === undefined ? undefined : refTo(op.body);
  const cases = Math.max(casesFor(api, op.response.type), casesFor(api, bodyType));
  const calls: WireCall[] = [];
  for (let caseIndex = 0; caseIndex < cases; caseIndex++) {
    const random = seededRandom(`${api.name}/${resource}.${op.name}#${caseIndex}`);
    const args = argumentsFor(api, op, { api, random, caseIndex, withUnlistedFields: false });
    calls.push(call(api, resource, op, caseIndex, args, { api, random, caseIndex, withUnlistedFields: true }, credentials));
  }
  if (op.example) {
    const random = seededRandom(`${api.name}/${resource}.${op.name}#example`);
    calls.push(call(api, resource, op, "example", op.example, { api, random, caseIndex: 0, withUnlistedFields: true }, credentials));
  }
  return calls;
}

function call(api: IrApi, resource: string, op: IrOperation, caseName: number | string, args: Record<string, unknown>, responseContext: SampleContext, credentials: Credentials): WireCall {
  const { response, result } = responseFor(api, op, responseContext);
  return { id: `${resource}.${op.name}#${caseName}`, resource, operation: op.name, args, takesArgs: op.paramsType !== undefined, response, request: expectedRequest(api, op, args, credentials), result };
}

/** The call's argument object: path and query parameters and body fields side by side, in the caller's shapes. */
function argumentsFor(api: IrApi, op: IrOperation, context: SampleContext): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (op.body !== undefined) Object.assign(args, fromWire(api, refTo(op.body), wireSample(context, refTo(op.body))));
  for (const param of op.pathParams) {
    let value = wireSample(context, { ...param.type, nullable: false });
    if (value === "" || value === "." || value === "..") value = "segment";
    args[param.tsName] = value;
  }
  for (const param of op.queryParams) {
    if (!param.required && optionalAbsent(context.caseIndex)) continue;
    const wire = param.type.nullable && nullableNull(context.caseIndex) ? null : wireSample(context, { ...param.type, nullable: false });
    args[param.tsName] = fromWire(api, param.type, wire);
  }
  return args;
}

function responseFor(api: IrApi, op: IrOperation, context: SampleContext): { response: PlannedResponse; result: unknown } {
  const { status, content, type, envelope } = op.response;
  if (content === "binary") {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff, context.caseIndex, ...Buffer.from("bytes ☃")]);
    const filename = `report-${context.caseIndex}.bin`;
    const headers = { "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${filename}"` };
    return { response: { status, headers, body: bytes }, result: { bytes: new Uint8Array(bytes), contentType: headers["content-type"], filename } };
  }
  if (content === "text") {
    const text = `note ${context.caseIndex}: üñí ☃\nsecond line`;
    return { response: { status, headers: { "content-type": "text/plain; charset=utf-8" }, body: Buffer.from(text) }, result: text };
  }
  if (type === undefined) return { response: { status, headers: {}, body: Buffer.alloc(0) }, result: undefined };
  const sample = wireSample(context, type);
  const paging = op.paging;
  // A page's result is its items; a cursor page says it is the last (a sampled cursor could repeat the one asked with).
  const wireField = (tsName: string) => {
    const named = api.types.find((t) => type.kind === "ref" && t.name === type.name);
    return (named?.kind === "object" ? named.properties : []).find((p) => p.tsName === tsName)!.wireName;
  };
  if (paging?.style === "cursor" && sample !== null) (sample as Record<string, unknown>)[wireField(paging.nextCursor)] = null;
  const wire = envelope === undefined ? sample : { [envelope]: sample, meta_not_in_manifest: { page: 1 } };
  const decoded = fromWire(api, type, sample) as Record<string, unknown> | null;
  const result = paging === undefined ? decoded : paging.items === undefined ? decoded : (decoded?.[paging.items] ?? []);
  return { response: { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(wire)) }, result };
}
