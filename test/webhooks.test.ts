// Webhook verification: the manifest section and its checks, the generated verifyWebhook/verifyWebhookRequest
// against requests signed here (with our own HMAC code, not the runtime's), on a real HTTP server and without one.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { emitSources } from "../generator/emit/index.js";
import { generate } from "../generator/pipeline.js";
import {
  ApiError,
  InvalidArgumentError,
  SchematicClient,
  SchematicSyncClient,
  verifyWebhook,
  verifyWebhookRequest,
  WebhookHeaderMissingError,
  WebhookPayloadError,
  WebhookSignatureError,
  WebhookTimestampError,
  type WebhookEvent,
  type WebhookHeaders,
} from "../generated/index.js";
import { irOf, lineOf, minimalLines, problems } from "./helpers/manifests.js";

const T = { timeout: 30_000 };
const SECRET = "whsec_Zq81TopSecretValue_4k";
const SIGNATURE = "X-Schematic-Webhook-Signature";
const TIMESTAMP = "X-Schematic-Webhook-Timestamp";
const NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5);
const NOW_S = String(NOW_MS / 1000);
const clock = { now: () => NOW_MS };

const wire = {
  action: "company.created",
  account_id: "acct_123",
  environment_id: "env_456",
  body: { id: "comp_1", name: "Acme", traits: { seats: 3 }, created_at: "2026-01-02T03:04:05Z" },
  object_type: "company",
};
const RAW = JSON.stringify(wire);

/** The hex HMAC-SHA256 of body + "+" + timestamp, as the service computes it. */
function sign(body: string | Uint8Array, timestamp: string, secret = SECRET): string {
  return createHmac("sha256", secret).update(body).update(`+${timestamp}`).digest("hex");
}

function signedHeaders(body: string | Uint8Array = RAW, timestamp = NOW_S): Record<string, string> {
  return { [SIGNATURE]: sign(body, timestamp), [TIMESTAMP]: timestamp };
}

/** The error `call` throws, checked to be of `ErrorClass` and to say nothing of the secret in any form it shows. */
function thrown<E extends Error>(ErrorClass: new (...args: never[]) => E, call: () => unknown): E {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ErrorClass, `expected ${ErrorClass.name}, got ${inspect(caught)}`);
  assertNoSecret(caught);
  return caught;
}

function assertNoSecret(error: unknown): void {
  assert.ok(error instanceof ApiError, `every webhook error is an ApiError: ${inspect(error)}`);
  for (const shown of [error.message, error.stack ?? "", inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)]) {
    assert.ok(!shown.includes(SECRET) && !shown.includes(SECRET.slice(6)), `the secret shows in: ${shown}`);
  }
}

describe("verifyWebhook (raw body and headers, no server)", () => {
  it("accepts the body as a string, a Buffer and a Uint8Array, and decodes it to a WebhookEvent", T, () => {
    const buffer = Buffer.from(RAW);
    const bytes = new Uint8Array(new TextEncoder().encode(RAW));
    for (const body of [RAW, buffer, bytes]) {
      const event = verifyWebhook(body, signedHeaders(), SECRET, clock);
      assert.deepEqual({ ...event }, { action: "company.created", accountId: "acct_123", environmentId: "env_456", body: wire.body, objectType: "company" });
    }
  });

  it("reads headers in any case, as a Headers object, and as Node gives them (lists)", T, () => {
    const { [SIGNATURE]: signature, [TIMESTAMP]: timestamp } = signedHeaders();
    const forms: WebhookHeaders[] = [
      { "x-schematic-webhook-signature": signature, "X-SCHEMATIC-WEBHOOK-TIMESTAMP": timestamp },
      { "X-Schematic-WEBHOOK-Signature": signature!, "x-schematic-webhook-timestamp": timestamp! },
      new Headers({ [SIGNATURE]: signature!, [TIMESTAMP]: timestamp! }),
      { "x-schematic-webhook-signature": [signature!], "x-schematic-webhook-timestamp": [timestamp!], "content-type": "application/json" },
    ];
    for (const headers of forms) assert.equal(verifyWebhook(RAW, headers, SECRET, clock).accountId, "acct_123");
  });

  it("throws WebhookHeaderMissingError naming each missing or empty header", T, () => {
    const headers = signedHeaders();
    for (const name of [SIGNATURE, TIMESTAMP]) {
      const error = thrown(WebhookHeaderMissingError, () => verifyWebhook(RAW, { ...headers, [name]: undefined }, SECRET, clock));
      assert.equal(error.header, name);
      assert.equal(error.message, `webhook request has no ${name} header`);
      thrown(WebhookHeaderMissingError, () => verifyWebhook(RAW, { ...headers, [name]: "" }, SECRET, clock));
    }
    thrown(WebhookHeaderMissingError, () => verifyWebhook(RAW, new Headers(), SECRET, clock));
  });

  it("throws WebhookSignatureError for another secret, a digit off, a changed byte, and what is not a signature", T, () => {
    const headers = signedHeaders();
    const signature = headers[SIGNATURE]!;
    const digitOff = signature.slice(0, 10) + (signature[10] === "0" ? "1" : "0") + signature.slice(11);
    const changed = RAW.replace("acct_123", "acct_124");
    assert.equal(changed.length, RAW.length);
    const cases: [string, string | Uint8Array, Record<string, string>][] = [
      ["another secret", RAW, { ...headers, [SIGNATURE]: sign(RAW, NOW_S, "whsec_other") }],
      ["one hex digit off", RAW, { ...headers, [SIGNATURE]: digitOff }],
      ["the body altered by one byte", changed, headers],
      ["the last byte of a Buffer altered", Buffer.from(RAW.slice(0, -1) + " "), headers],
      ["another timestamp than the one signed", RAW, { ...headers, [TIMESTAMP]: String(NOW_MS / 1000 + 1) }],
      ["63 hex digits", RAW, { ...headers, [SIGNATURE]: signature.slice(0, 63) }],
      ["65 hex digits", RAW, { ...headers, [SIGNATURE]: `${signature}0` }],
      ["128 hex digits", RAW, { ...headers, [SIGNATURE]: signature + signature }],
      ["64 characters, not hex", RAW, { ...headers, [SIGNATURE]: `zz${signature.slice(2)}` }],
      ["base64 of the digest", RAW, { ...headers, [SIGNATURE]: Buffer.from(signature, "hex").toString("base64") }],
      ["a scheme prefix", RAW, { ...headers, [SIGNATURE]: `sha256=${signature}` }],
    ];
    for (const [what, body, caseHeaders] of cases) {
      const error = thrown(WebhookSignatureError, () => verifyWebhook(body, caseHeaders, SECRET, clock));
      assert.match(error.message, /signature does not match/, what);
    }
    // The same digest in capitals is the same signature.
    assert.equal(verifyWebhook(RAW, { ...headers, [SIGNATURE]: signature.toUpperCase() }, SECRET, clock).action, "company.created");
  });

  it("checks the signature before the timestamp: a stale request with a bad signature is a signature error", T, () => {
    const headers = { ...signedHeaders(), [SIGNATURE]: sign(RAW, NOW_S, "whsec_other") };
    thrown(WebhookSignatureError, () => verifyWebhook(RAW, headers, SECRET, { now: () => NOW_MS + 3_600_000 }));
  });

  it("refuses a timestamp beyond the tolerance, past and future, and says by how much", T, () => {
    const headers = signedHeaders();
    const old = thrown(WebhookTimestampError, () => verifyWebhook(RAW, headers, SECRET, { now: () => NOW_MS + 301_000 }));
    assert.equal(old.message, "webhook timestamp is 301 s old, outside the tolerance of 300 s (a replayed request, or a clock out of step)");
    assert.equal(old.ageMs, 301_000);
    assert.equal(old.timestamp, NOW_S);
    const future = thrown(WebhookTimestampError, () => verifyWebhook(RAW, headers, SECRET, { now: () => NOW_MS - 301_000 }));
    assert.match(future.message, /^webhook timestamp is 301 s in the future, outside the tolerance of 300 s/);
    assert.equal(future.ageMs, -301_000);
    // Within the default window on either side.
    for (const offset of [-299_000, 0, 299_000, 300_000]) verifyWebhook(RAW, headers, SECRET, { now: () => NOW_MS + offset });
  });

  it("takes a custom tolerance, and skips the window with toleranceMs: false (the signature still counts)", T, () => {
    const headers = signedHeaders();
    const error = thrown(WebhookTimestampError, () => verifyWebhook(RAW, headers, SECRET, { toleranceMs: 1_000, now: () => NOW_MS + 2_000 }));
    assert.match(error.message, /2 s old, outside the tolerance of 1 s/);
    verifyWebhook(RAW, headers, SECRET, { toleranceMs: 1_000, now: () => NOW_MS + 500 });
    const tenDays = () => NOW_MS + 10 * 86_400_000;
    assert.equal(verifyWebhook(RAW, headers, SECRET, { toleranceMs: false, now: tenDays }).accountId, "acct_123");
    const unreadable = { ...signedHeaders(RAW, "yesterday") };
    assert.equal(verifyWebhook(RAW, unreadable, SECRET, { toleranceMs: false }).accountId, "acct_123");
    thrown(WebhookSignatureError, () => verifyWebhook(RAW.replace("Acme", "Acmf"), headers, SECRET, { toleranceMs: false, now: tenDays }));
    // With the real clock: a request signed now passes, one signed an hour ago does not.
    const nowS = String(Math.floor(Date.now() / 1000));
    assert.equal(verifyWebhook(RAW, signedHeaders(RAW, nowS), SECRET).objectType, "company");
    thrown(WebhookTimestampError, () => verifyWebhook(RAW, signedHeaders(RAW, String(Number(nowS) - 3_600)), SECRET));
  });

  it("reads Unix seconds, Unix milliseconds and RFC 3339 timestamps, and refuses anything else as unreadable", T, () => {
    const readable = [NOW_S, String(NOW_MS), "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z", "2026-01-02T05:04:05+02:00", "2026-01-02t03:04:05z"];
    for (const timestamp of readable) {
      assert.equal(verifyWebhook(RAW, signedHeaders(RAW, timestamp), SECRET, clock).action, "company.created", timestamp);
    }
    for (const timestamp of ["yesterday", "1.7e9", "-1767323045", " 1767323045", "2026-01-02", "2026-01-02T03:04:05", "2026-13-02T03:04:05Z", "0x69570a55"]) {
      const error = thrown(WebhookTimestampError, () => verifyWebhook(RAW, signedHeaders(RAW, timestamp), SECRET, clock));
      assert.match(error.message, /is unreadable: expected Unix seconds or milliseconds, or an RFC 3339 date-time/, timestamp);
      assert.equal(error.ageMs, undefined);
    }
  });

  it("throws WebhookPayloadError for a signed body that is not JSON, not an object, or not UTF-8", T, () => {
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
    for (const body of ["not json", "", '["a list"]', "null", "42", invalidUtf8]) {
      const error = thrown(WebhookPayloadError, () => verifyWebhook(body, signedHeaders(body), SECRET, clock));
      assert.match(error.message, /^webhook body (is not JSON|must be a JSON object)/);
    }
  });

  it("keeps an action newer than the SDK as its string (the enum is open)", T, () => {
    const body = JSON.stringify({ ...wire, action: "company.merged" });
    const event = verifyWebhook(body, signedHeaders(body), SECRET, clock);
    assert.equal(event.action, "company.merged");
  });

  it("refuses an empty secret, a parsed body and bad options with InvalidArgumentError, before anything else", T, () => {
    const headers = signedHeaders();
    for (const secret of ["", undefined, 42]) {
      const error = thrown(InvalidArgumentError, () => verifyWebhook(RAW, headers, secret as string, clock));
      assert.match(error.message, /webhook secret must be a non-empty string/);
    }
    const parsed = thrown(InvalidArgumentError, () => verifyWebhook(wire as unknown as string, headers, SECRET, clock));
    assert.match(parsed.message, /a body parser has already parsed it/);
    for (const toleranceMs of [-1, Number.NaN, Infinity, "300" as unknown as number]) {
      thrown(InvalidArgumentError, () => verifyWebhook(RAW, headers, SECRET, { ...clock, toleranceMs }));
    }
    thrown(InvalidArgumentError, () => verifyWebhook(RAW, null as unknown as WebhookHeaders, SECRET, clock));
  });

  it("never shows the secret, even when the body or a header quotes it", T, () => {
    const body = JSON.stringify({ ...wire, body: { note: SECRET } });
    const errors = [
      thrown(WebhookSignatureError, () => verifyWebhook(body, { [SIGNATURE]: SECRET.padEnd(64, "0"), [TIMESTAMP]: NOW_S }, SECRET, clock)),
      thrown(WebhookTimestampError, () => verifyWebhook(body, signedHeaders(body, NOW_S), SECRET, { now: () => NOW_MS * 2 })),
      thrown(WebhookPayloadError, () => verifyWebhook(`${body}x`, signedHeaders(`${body}x`), SECRET, clock)),
    ];
    assert.equal(errors.length, 3);
  });

  it("is typed by the manifest's WebhookEvent, and returns it without a promise (the same function for both clients)", T, () => {
    const event: WebhookEvent = verifyWebhook(RAW, signedHeaders(), SECRET, clock);
    const accountId: string = event.accountId;
    const body: Record<string, unknown> = event.body;
    // @ts-expect-error: fields use the SDK's camelCase names
    assert.equal(event.account_id, undefined);
    // @ts-expect-error: verifyWebhook returns the event itself, not a promise
    assert.equal(typeof event.then, "undefined");
    const sameType: Equals<ReturnType<typeof verifyWebhook>, WebhookEvent> = true;
    const asyncType: Equals<ReturnType<typeof verifyWebhookRequest>, Promise<WebhookEvent>> = true;
    assert.ok(sameType && asyncType && accountId === "acct_123" && body["name"] === "Acme");
    // Verification is local: neither client is involved, and both come from the same package entry.
    assert.equal(typeof SchematicClient, "function");
    assert.equal(typeof SchematicSyncClient, "function");
  });
});

/** Whether two types are the same, for assertions compiled by `npm run typecheck`. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe("verifyWebhookRequest on a real HTTP server", () => {
  let server: Server;
  let url: string;
  /** What the handler made of the last request. */
  type Outcome = { event?: WebhookEvent; error?: unknown };
  let outcome: Promise<Outcome>;
  let handle: (request: IncomingMessage, response: ServerResponse) => Promise<Outcome>;
  /** Called when the server receives a request (its headers). */
  let onRequest: (() => void) | undefined;

  const verifying =
    (options: Parameters<typeof verifyWebhookRequest>[2] = {}) =>
    async (request: IncomingMessage, response: ServerResponse): Promise<Outcome> => {
      try {
        const event = await verifyWebhookRequest(request, SECRET, options);
        response.writeHead(204).end();
        return { event };
      } catch (error) {
        const tooLarge = error instanceof WebhookPayloadError && /larger than/.test(error.message);
        const status = error instanceof WebhookSignatureError ? 401 : tooLarge ? 413 : 400;
        response.writeHead(status, { connection: "close" }).end(String(error));
        return { error };
      }
    };

  before(async () => {
    server = createServer((request, response) => {
      outcome = handle(request, response);
      onRequest?.();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: string | Uint8Array, headers: Record<string, string>) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal: AbortSignal.timeout(10_000) });

  it("verifies a signed POST and decodes its body", T, async () => {
    handle = verifying();
    const nowS = String(Math.floor(Date.now() / 1000));
    const response = await post(RAW, signedHeaders(RAW, nowS));
    assert.equal(response.status, 204);
    const { event, error } = await outcome;
    assert.equal(error, undefined);
    assert.deepEqual({ ...event }, { action: "company.created", accountId: "acct_123", environmentId: "env_456", body: wire.body, objectType: "company" });
  });

  it("answers 401 for a body changed on the way, with the error class the handler caught", T, async () => {
    handle = verifying();
    const nowS = String(Math.floor(Date.now() / 1000));
    const response = await post(RAW.replace("Acme", "Acmf"), signedHeaders(RAW, nowS));
    assert.equal(response.status, 401);
    const { error } = await outcome;
    assert.ok(error instanceof WebhookSignatureError);
    assertNoSecret(error);
  });

  it("refuses a body over maxBodyBytes, declared or streamed, and the server can still answer", T, async () => {
    handle = verifying({ maxBodyBytes: 64 });
    const big = JSON.stringify({ ...wire, body: { pad: "x".repeat(200) } });
    const declared = await post(big, signedHeaders(big));
    assert.equal(declared.status, 413);
    const first = await outcome;
    assert.ok(first.error instanceof WebhookPayloadError);
    assert.equal(first.error.message, "webhook body is larger than maxBodyBytes (64 bytes)");
    // Without a Content-Length the limit is counted as the body arrives.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(16)));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: "POST", headers: signedHeaders(big), body: stream, duplex: "half", signal: AbortSignal.timeout(10_000) } as RequestInit);
    assert.equal(streamed.status, 413);
    const second = await outcome;
    assert.ok(second.error instanceof WebhookPayloadError && /larger than maxBodyBytes/.test(second.error.message));
    // 1 MiB by default: a body of 1 MiB + 1 byte is refused.
    handle = verifying();
    const huge = "x".repeat(1024 * 1024 + 1);
    assert.equal((await post(huge, signedHeaders(huge))).status, 413);
  });

  it("rejects with WebhookPayloadError when the request is aborted before its body arrives", T, async () => {
    handle = verifying();
    const port = (server.address() as AddressInfo).port;
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    const head = `POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n${SIGNATURE}: ${"0".repeat(64)}\r\n${TIMESTAMP}: ${NOW_S}\r\n\r\n`;
    const seen = new Promise<void>((resolve) => (onRequest = resolve));
    socket.write(head + RAW.slice(0, 20));
    // The connection goes once the server is reading the request.
    await seen;
    onRequest = undefined;
    socket.destroy();
    const { error } = await outcome;
    assert.ok(error instanceof WebhookPayloadError, String(error));
    assert.match(error.message, /^the webhook request was aborted before its body was read/);
  });

  it("refuses a request whose body a parser has already read, rather than wait for it forever", T, async () => {
    handle = async (request, response) => {
      for await (const _ of request) void _;
      return verifying()(request, response);
    };
    const response = await post(RAW, signedHeaders());
    assert.equal(response.status, 400);
    const { error } = await outcome;
    assert.ok(error instanceof InvalidArgumentError);
    assert.match(error.message, /already read/);
  });
});

describe("the webhooks manifest section", () => {
  const section = (lines: string[]) => [...minimalLines, "webhooks:", ...lines.map((line) => `  ${line}`)].join("\n");
  const valid = ["signatureHeader: X-Pet-Signature", "timestampHeader: X-Pet-Timestamp", "scheme: hmac-sha256-hex", "event: Pet"];
  const lineOfSection = (lines: string[], text: string) => lineOf(section(lines).split("\n"), text);

  it("accepts a valid section, with toleranceMs 300000 unless given", T, () => {
    assert.deepEqual(problems(section(valid)), []);
    assert.deepEqual(irOf(section(valid)).capabilities.webhooks, {
      signatureHeader: "X-Pet-Signature",
      timestampHeader: "X-Pet-Timestamp",
      scheme: "hmac-sha256-hex",
      toleranceMs: 300_000,
      eventType: "Pet",
    });
    assert.equal(irOf(section([...valid, "toleranceMs: 60000"])).capabilities.webhooks?.toleranceMs, 60_000);
  });

  it("reports an unknown event type, bad and equal header names at their line and column", T, () => {
    const unknown = valid.map((line) => line.replace("event: Pet", "event: Pets"));
    assert.deepEqual(problems(section(unknown)), [`manifest.yaml:${lineOfSection(unknown, "event: Pets")}:10: webhooks.event: "Pets" is not a type of this manifest (did you mean "Pet"?)`]);
    const badHeaders = ["signatureHeader: X Pet Signature", "timestampHeader: 'X-Pet:Timestamp'", "scheme: hmac-sha256-hex", "event: Pet"];
    assert.deepEqual(problems(section(badHeaders)), [
      `manifest.yaml:${lineOfSection(badHeaders, "signatureHeader")}:20: webhooks.signatureHeader: "X Pet Signature" is not a header name (letters, digits and !#$%&'*+.^_\`|~- only, no spaces or colons)`,
      `manifest.yaml:${lineOfSection(badHeaders, "timestampHeader")}:20: webhooks.timestampHeader: "X-Pet:Timestamp" is not a header name (letters, digits and !#$%&'*+.^_\`|~- only, no spaces or colons)`,
    ]);
    const same = ["signatureHeader: X-Pet-Signature", "timestampHeader: x-pet-signature", "scheme: hmac-sha256-hex", "event: Pet"];
    assert.deepEqual(problems(section(same)), [
      `manifest.yaml:${lineOfSection(same, "timestampHeader")}:20: webhooks.timestampHeader: must differ from signatureHeader ("X-Pet-Signature"): header names are case-insensitive`,
    ]);
  });

  it("refuses a scheme it does not know, and an event type that is no object", T, () => {
    const sha1 = valid.map((line) => line.replace("hmac-sha256-hex", "hmac-sha1-hex"));
    const [schemeProblem] = problems(section(sha1));
    assert.match(schemeProblem ?? "", new RegExp(`^manifest\\.yaml:${lineOfSection(sha1, "scheme:")}:\\d+: webhooks\\.scheme: .*hmac-sha256-hex`));
    const withEnum = [...minimalLines.join("\n").replace("types:\n", "types:\n  Kind:\n    enum: [a, b]\n").split("\n"), "webhooks:", ...valid.map((l) => `  ${l.replace("event: Pet", "event: Kind")}`)].join("\n");
    assert.deepEqual(problems(withEnum), [
      `manifest.yaml:${lineOf(withEnum.split("\n"), "event: Kind")}:10: webhooks.event: "Kind" must be an object type or a union of object types, as a webhook body is a JSON object`,
    ]);
  });

  it("emits webhooks.ts and its re-export only for a manifest that has the section", T, () => {
    const sources = (text: string) => emitSources(irOf(text), { runtimeEntry: "../runtime/index.ts" });
    const withSection = sources(section(valid));
    const file = withSection.find((s) => s.path === "webhooks.ts");
    assert.ok(file, withSection.map((s) => s.path).join(", "));
    assert.match(file.text, /export function verifyWebhook\(rawBody: string \| Uint8Array, headers: WebhookHeaders, secret: string, options\?: WebhookVerifyOptions\): Pet/);
    assert.match(withSection.find((s) => s.path === "index.ts")!.text, /export \{ verifyWebhook, verifyWebhookRequest \} from "\.\/webhooks\.js";/);
    const without = sources(minimalLines.join("\n"));
    assert.deepEqual(without.filter((s) => /webhook/i.test(s.text)).map((s) => s.path), []);
  });
});

describe("a package generated with webhooks", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "webhooks-package-"));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it("copies the runtime module, and decodes date-times of the event type through its codec", { timeout: 60_000 }, async () => {
    const manifest = [...minimalLines, "webhooks:", "  signatureHeader: X-Pet-Signature", "  timestampHeader: X-Pet-Timestamp", "  scheme: hmac-sha256-hex", "  toleranceMs: 1000", "  event: Pet"].join("\n");
    await writeFile(path.join(work, "manifest.yaml"), manifest);
    const { files } = await generate({ manifestPath: path.join(work, "manifest.yaml"), outDir: path.join(work, "out") });
    assert.ok(files.some((f) => f.path === "src/runtime/webhooks.ts"), "the runtime copy holds webhooks.ts");
    for (const file of files) {
      await mkdir(path.dirname(path.join(work, "out", file.path)), { recursive: true });
      await writeFile(path.join(work, "out", file.path), file.text);
    }
    const pkg = (await import(path.join(work, "out/src/index.ts"))) as typeof import("../generated/index.js") & { verifyWebhook: (...args: unknown[]) => Record<string, unknown> };
    const body = JSON.stringify({ pet_id: "p1", name: "Rex", born_at: "2020-05-06T07:08:09.000Z" });
    const headers = { "x-pet-signature": sign(body, NOW_S), "x-pet-timestamp": NOW_S };
    const pet = pkg.verifyWebhook(body, headers, SECRET, clock);
    assert.equal(pet["petId"], "p1");
    assert.ok(pet["bornAt"] instanceof Date && pet["bornAt"].toISOString() === "2020-05-06T07:08:09.000Z");
    // The manifest's toleranceMs is the default window.
    assert.throws(() => pkg.verifyWebhook(body, headers, SECRET, { now: () => NOW_MS + 2_000 }), (error: Error) => error.name === "WebhookTimestampError");
  });
});
