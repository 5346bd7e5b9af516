import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  ApiError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  ForbiddenError,
  InternalServerError,
  InvalidArgumentError,
  NotFoundError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableEntityError,
  UserAbortError,
  type CheckFlagResponseData,
  type CheckFlagsResponseData,
  type RawEventBatchResponseData,
  type SchematicClient,
  type UserDetailResponseData,
} from "../generated/index.js";
import { CLIENT_KINDS, type ClientKind } from "./helpers/clients.js";
import { sendJson, startServer, type RecordedRequest, type TestServer } from "./helpers/server.js";
import { API_KEY, decodedCompany, wireCompany } from "./helpers/wire.js";

const T = { timeout: 10_000 };

/** Why a test of the async client has no sync twin. */
const NO_SIGNAL = "the sync client takes no signal (test/sync.test.ts checks that it refuses one)";

for (const kind of CLIENT_KINDS) describe(`${kind.name} client`, () => suite(kind));

function suite(kind: ClientKind) {
  let api: TestServer;
  let capture: TestServer;
  let client: SchematicClient;

  before(async () => {
    api = await startServer();
    capture = await startServer();
    client = await kind.create({
      apiKey: API_KEY,
      baseUrl: api.url,
      eventCaptureBaseUrl: capture.url,
    });
  });
  after(async () => {
    await kind.dispose();
    await api.close();
    await capture.close();
  });
  beforeEach(() => {
    api.requests.length = 0;
    capture.requests.length = 0;
  });

  function only(server: TestServer): RecordedRequest {
    assert.equal(server.requests.length, 1, "exactly one request");
    return server.requests[0]!;
  }

  function assertJsonRequest(request: RecordedRequest, method: string, url: string, body: unknown) {
    assert.equal(request.method, method);
    assert.equal(request.url, url);
    assert.equal(request.headers["x-schematic-api-key"], API_KEY);
    assert.equal(request.headers["accept"], "application/json");
    if (body === undefined) {
      assert.equal(request.body, "");
      assert.equal(request.headers["content-type"], undefined);
    } else {
      assert.equal(request.headers["content-type"], "application/json");
      assert.deepStrictEqual(JSON.parse(request.body), body);
    }
  }

  describe("features", () => {
    it("checkFlag sends the context untouched and decodes the result", T, async () => {
      api.handle((_, res) =>
        sendJson(res, 200, {
          data: {
            flag: "new-dashboard",
            value: true,
            reason: "Matched rule",
            company_id: "co_1",
            user_id: null,
            rule_type: "plan_entitlement",
            feature_usage_reset_at: "2025-04-01T00:00:00.000Z",
            entitlement: {
              feature_id: "feat_1",
              feature_key: "dash",
              value_type: "boolean",
              warning_tiers: [{ key: "w", value: 80 }],
            },
          },
          params: {},
        }),
      );
      const result = await client.features.checkFlag({
        key: "new-dashboard",
        company: { id: "co_1", Plan_Tier: "gold" },
        user: { user_id: "u_1" },
        preflight: {
          creditCost: { credit_abc: 2.5 },
          eventUsage: { eventSubtype: "api_call", quantity: 3 },
          usage: 2,
        },
      });
      assertJsonRequest(only(api), "POST", "/flags/new-dashboard/check", {
        company: { id: "co_1", Plan_Tier: "gold" },
        user: { user_id: "u_1" },
        preflight: {
          credit_cost: { credit_abc: 2.5 },
          event_usage: { event_subtype: "api_call", quantity: 3 },
          usage: 2,
        },
      });
      const expected: CheckFlagResponseData = {
        flag: "new-dashboard",
        value: true,
        reason: "Matched rule",
        companyId: "co_1",
        userId: null,
        ruleType: "plan_entitlement",
        featureUsageResetAt: new Date("2025-04-01T00:00:00.000Z"),
        entitlement: {
          featureId: "feat_1",
          featureKey: "dash",
          valueType: "boolean",
          warningTiers: [{ key: "w", value: 80 }],
        },
      };
      assert.deepStrictEqual(result, expected);
      assert.ok(result.featureUsageResetAt instanceof Date);
    });

    it("checkFlag percent-encodes the flag key in the path", T, async () => {
      api.handle((_, res) =>
        sendJson(res, 200, {
          data: { flag: "a/b c", value: false, reason: "default" },
        }),
      );
      await client.features.checkFlag({ key: "a/b c?" });
      assertJsonRequest(only(api), "POST", "/flags/a%2Fb%20c%3F/check", {});
    });

    it("checkFlags sends no body fields when none are given and decodes maps of models", T, async () => {
      api.handle((_, res) =>
        sendJson(res, 201, {
          data: {
            flags: [{ flag: "f1", value: true, reason: "on" }],
            credit_balances: {
              credit_abc: { remaining: 1, reserved: 2, settled: 3 },
            },
            plan: {
              id: "plan_1",
              name: "Gold",
              trial_end_date: "2025-05-01T00:00:00.000Z",
              trial_status: "active",
            },
          },
        }),
      );
      const result = await client.features.checkFlags();
      assertJsonRequest(only(api), "POST", "/flags/check", {});
      const expected: CheckFlagsResponseData = {
        flags: [{ flag: "f1", value: true, reason: "on" }],
        creditBalances: {
          credit_abc: { remaining: 1, reserved: 2, settled: 3 },
        },
        plan: {
          id: "plan_1",
          name: "Gold",
          trialEndDate: new Date("2025-05-01T00:00:00.000Z"),
          trialStatus: "active",
        },
      };
      assert.deepStrictEqual(result, expected);
    });
  });

  describe("companies", () => {
    it("upsertCompany converts field names and dates but leaves keys and traits as given", T, async () => {
      api.handle((_, res) => sendJson(res, 200, { data: wireCompany(), params: {} }));
      const traits = JSON.parse('{"city":"Atlanta","__proto__":{"polluted":true},"snake_case_trait":1}');
      const result = await client.companies.upsertCompany({
        keys: { id: "co_1", Stripe_Customer: "cus_1" },
        name: "Acme",
        traits,
        lastSeenAt: new Date("2025-06-07T08:09:10.000Z"),
        removeKeys: ["old_key"],
        updateOnly: false,
      });
      const request = only(api);
      assertJsonRequest(request, "POST", "/companies", {
        keys: { id: "co_1", Stripe_Customer: "cus_1" },
        name: "Acme",
        traits: JSON.parse('{"city":"Atlanta","__proto__":{"polluted":true},"snake_case_trait":1}'),
        last_seen_at: "2025-06-07T08:09:10.000Z",
        remove_keys: ["old_key"],
        update_only: false,
      });
      assert.ok(request.body.includes('"__proto__":{"polluted":true}'), "a __proto__ trait is sent as data");
      assert.equal(({} as { polluted?: boolean }).polluted, undefined);
      assert.deepStrictEqual(result, decodedCompany());
      assert.equal("aFieldFromTheFuture" in result, false);
    });

    it("upsertUser sends company maps untouched", T, async () => {
      api.handle((_, res) =>
        sendJson(res, 200, {
          data: {
            id: "u_1",
            name: "Ada",
            environment_id: "env_1",
            created_at: "2025-01-01T00:00:00.000Z",
            updated_at: "2025-01-01T00:00:00.000Z",
            keys: [],
            entity_traits: [],
            traits: { favourite_color: "blue" },
            company_memberships: [
              {
                id: "m_1",
                company_id: "co_1",
                user_id: "u_1",
                created_at: "2025-01-01T00:00:00.000Z",
                updated_at: "2025-01-01T00:00:00.000Z",
                company: {
                  id: "co_1",
                  name: "Acme",
                  environment_id: "env_1",
                  created_at: "2025-01-01T00:00:00.000Z",
                  updated_at: "2025-01-01T00:00:00.000Z",
                },
              },
            ],
          },
        }),
      );
      const result = await client.companies.upsertUser({
        keys: { email: "ada@example.com" },
        company: { id: "co_1" },
        companies: [{ id: "co_1" }, { domain_name: "acme.com" }],
        companyIds: ["co_1"],
        traits: { login_count: 24 },
      });
      assertJsonRequest(only(api), "POST", "/users", {
        keys: { email: "ada@example.com" },
        company: { id: "co_1" },
        companies: [{ id: "co_1" }, { domain_name: "acme.com" }],
        company_ids: ["co_1"],
        traits: { login_count: 24 },
      });
      const day = new Date("2025-01-01T00:00:00.000Z");
      const expected: UserDetailResponseData = {
        id: "u_1",
        name: "Ada",
        environmentId: "env_1",
        createdAt: day,
        updatedAt: day,
        keys: [],
        entityTraits: [],
        traits: { favourite_color: "blue" },
        companyMemberships: [
          {
            id: "m_1",
            companyId: "co_1",
            userId: "u_1",
            createdAt: day,
            updatedAt: day,
            company: {
              id: "co_1",
              name: "Acme",
              environmentId: "env_1",
              createdAt: day,
              updatedAt: day,
            },
          },
        ],
      };
      assert.deepStrictEqual(result, expected);
    });

    it("getCompany puts the id in the path and sends no body", T, async () => {
      api.handle((_, res) => sendJson(res, 200, { data: wireCompany() }));
      const result = await client.companies.getCompany({ companyId: "co_1" });
      assertJsonRequest(only(api), "GET", "/companies/co_1", undefined);
      assert.deepStrictEqual(result, decodedCompany());
    });

    it("listCompanies encodes every kind of query parameter, arrays as repeated keys", T, async () => {
      api.handle((_, res) =>
        sendJson(res, 200, {
          data: [wireCompany(), wireCompany()],
          params: { limit: 10 },
        }),
      );
      const result = await client.companies.listCompanies({
        ids: ["co_1", "co_2"],
        planIds: ["plan 1"],
        subscriptionStatuses: ["active", "trialing"],
        subscriptionTypes: ["paid"],
        creditTypeIds: [],
        withSubscription: true,
        withoutPlan: false,
        sortOrderDirection: "desc",
        q: "acme & co",
        limit: 10,
        offset: 20,
        planId: undefined,
      });
      const request = only(api);
      assertJsonRequest(
        request,
        "GET",
        "/companies?ids=co_1&ids=co_2&limit=10&offset=20&plan_ids=plan+1&q=acme+%26+co&sort_order_direction=desc" +
          "&subscription_statuses=active&subscription_statuses=trialing&subscription_types=paid&with_subscription=true&without_plan=false",
        undefined,
      );
      assert.deepStrictEqual(request.query.getAll("ids"), ["co_1", "co_2"]);
      assert.deepStrictEqual(result.items, [decodedCompany(), decodedCompany()]);
    });

    it("listCompanies without parameters sends no query string", T, async () => {
      api.handle((_, res) => sendJson(res, 200, { data: [] }));
      assert.deepStrictEqual((await client.companies.listCompanies()).items, []);
      assertJsonRequest(only(api), "GET", "/companies", undefined);
    });
  });

  describe("events", () => {
    it("createEventBatch converts each event body by its shape", T, async () => {
      api.handle((_, res) =>
        sendJson(res, 201, {
          data: {
            events: [
              {
                captured_at: "2025-01-01T00:00:00.000Z",
                event_id: "ev_1",
                remote_ip: "1.2.3.4",
                user_agent: "sdk",
              },
            ],
          },
        }),
      );
      const result = await client.events.createEventBatch({
        events: [
          {
            eventType: "track",
            idempotencyKey: "idem-1",
            sentAt: new Date("2025-01-01T00:00:00.000Z"),
            body: {
              event: "api_call",
              company: { id: "co_1" },
              user: { user_id: "u_1" },
              quantity: 3,
              traits: { source: "cli" },
            },
          },
          {
            eventType: "identify",
            body: {
              keys: { email: "ada@example.com" },
              name: "Ada",
              company: {
                keys: { id: "co_1" },
                name: "Acme",
                traits: { tier: "gold" },
              },
            },
          },
          {
            eventType: "flag_check",
            body: {
              flagKey: "dash",
              reason: "on",
              value: true,
              reqCompany: { id: "co_1" },
              companyId: "co_1",
            },
          },
        ],
      });
      assertJsonRequest(only(api), "POST", "/event-batch", {
        events: [
          {
            event_type: "track",
            idempotency_key: "idem-1",
            sent_at: "2025-01-01T00:00:00.000Z",
            body: {
              event: "api_call",
              company: { id: "co_1" },
              user: { user_id: "u_1" },
              quantity: 3,
              traits: { source: "cli" },
            },
          },
          {
            event_type: "identify",
            body: {
              keys: { email: "ada@example.com" },
              name: "Ada",
              company: {
                keys: { id: "co_1" },
                name: "Acme",
                traits: { tier: "gold" },
              },
            },
          },
          {
            event_type: "flag_check",
            body: {
              flag_key: "dash",
              reason: "on",
              value: true,
              req_company: { id: "co_1" },
              company_id: "co_1",
            },
          },
        ],
      });
      const expected: RawEventBatchResponseData = {
        events: [
          {
            capturedAt: new Date("2025-01-01T00:00:00.000Z"),
            eventId: "ev_1",
            remoteIp: "1.2.3.4",
            userAgent: "sdk",
          },
        ],
      };
      assert.deepStrictEqual(result, expected);
    });

    it("createEvent sends one event", T, async () => {
      api.handle((_, res) =>
        sendJson(res, 201, {
          data: {
            captured_at: "2025-01-01T00:00:00.000Z",
            remote_ip: "1.2.3.4",
            user_agent: "sdk",
          },
        }),
      );
      const result = await client.events.createEvent({
        eventType: "inference",
        body: {
          company: { id: "co_1" },
          inputTokens: 10,
          outputTokens: 20,
          provider: "acme-ai",
          responseModel: "m-1",
          cachedInputTokens: 5,
        },
      });
      assertJsonRequest(only(api), "POST", "/events", {
        event_type: "inference",
        body: {
          company: { id: "co_1" },
          input_tokens: 10,
          output_tokens: 20,
          provider: "acme-ai",
          response_model: "m-1",
          cached_input_tokens: 5,
        },
      });
      assert.deepStrictEqual(result, {
        capturedAt: new Date("2025-01-01T00:00:00.000Z"),
        remoteIp: "1.2.3.4",
        userAgent: "sdk",
      });
    });
  });

  describe("capture", () => {
    it("sendBatch goes to the capture service, not the REST API", T, async () => {
      capture.handle((_, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      });
      const result = await client.capture.sendBatch({
        events: [
          {
            apiKey: API_KEY,
            type: "track",
            idempotencyKey: "idem-2",
            sentAt: new Date("2025-01-01T00:00:00.000Z"),
            body: { event: "api_call", company: { id: "co_1" }, quantity: 1 },
          },
        ],
      });
      assert.equal(result, undefined);
      assert.equal(api.requests.length, 0);
      assertJsonRequest(only(capture), "POST", "/batch", {
        events: [
          {
            api_key: API_KEY,
            type: "track",
            idempotency_key: "idem-2",
            sent_at: "2025-01-01T00:00:00.000Z",
            body: { event: "api_call", company: { id: "co_1" }, quantity: 1 },
          },
        ],
      });
    });
  });

  describe("errors", () => {
    const table = [
      [400, BadRequestError],
      [401, UnauthorizedError],
      [403, ForbiddenError],
      [404, NotFoundError],
      [409, ConflictError],
      [422, UnprocessableEntityError],
      [429, TooManyRequestsError],
      [500, InternalServerError],
    ] as const;
    for (const [status, ErrorClass] of table) {
      it(`${status} throws ${ErrorClass.name} with status, body and headers`, T, async () => {
        api.handle((_, res) => sendJson(res, status, { error: `reason ${status}` }, { "x-request-id": "req_1", "x-echo": API_KEY }));
        const error = await client.companies.getCompany({ companyId: "co_1" }).then(
          () => assert.fail("expected a rejection"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof ErrorClass);
        assert.ok(error instanceof ApiError);
        assert.equal(error.name, ErrorClass.name);
        assert.equal(error.statusCode, status);
        assert.deepStrictEqual(error.body, { error: `reason ${status}` });
        assert.equal(error.headers["x-request-id"], "req_1");
        assert.equal(error.headers["x-echo"], undefined, "a header repeating the API key is left out");
        assert.match(error.message, new RegExp(`^GET /companies/co_1 failed with ${status} .+: reason ${status}$`));
        assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(API_KEY));
      });
    }

    it("an undocumented status throws ApiError itself, with a raw text body", T, async () => {
      api.handle((_, res) => {
        res.writeHead(503, { "content-type": "text/html" });
        res.end("<h1>down for maintenance</h1>");
      });
      const error = await client.features.checkFlags().catch((e: unknown) => e);
      assert.ok(error instanceof ApiError);
      assert.equal(error.constructor, ApiError);
      assert.equal(error.statusCode, 503);
      assert.equal(error.body, "<h1>down for maintenance</h1>");
      assert.equal(error.message, "POST /flags/check failed with 503 Service Unavailable: <h1>down for maintenance</h1>");
    });

    it("a 2xx body that is not JSON is an ApiError, not a crash", T, async () => {
      api.handle((_, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"data": {"id": ');
      });
      const error = await client.companies.getCompany({ companyId: "co_1" }).catch((e: unknown) => e);
      assert.ok(error instanceof ApiError);
      assert.equal(error.statusCode, 200);
      assert.equal(error.body, '{"data": {"id": ');
      assert.match(error.message, /not valid JSON/);
    });

    it("a 2xx without the envelope field is an ApiError", T, async () => {
      api.handle((_, res) => sendJson(res, 200, { id: "co_1" }));
      const error = await client.companies.getCompany({ companyId: "co_1" }).catch((e: unknown) => e);
      assert.ok(error instanceof ApiError);
      assert.match(error.message, /without the "data" field/);
    });

    it("a slow response throws TimeoutError after timeoutMs", T, async () => {
      api.handle(() => {}); // never answers
      const started = Date.now();
      const error = await client.features.checkFlags({}, { timeoutMs: 200 }).catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      assert.ok(error instanceof TimeoutError, String(error));
      assert.match(error.message, /timed out after 200 ms/);
      assert.ok(elapsed >= 190 && elapsed < 3_000, `elapsed ${elapsed} ms`);
    });

    it("a caller's abort throws UserAbortError", { ...T, skip: kind.sync && NO_SIGNAL }, async () => {
      api.handle(() => {});
      const controller = new AbortController();
      const pending = client.features.checkFlags({}, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const error = await pending.catch((e: unknown) => e);
      assert.ok(error instanceof UserAbortError, String(error));
    });

    it("a refused connection throws ConnectionError", T, async () => {
      const closed = await startServer();
      const url = closed.url;
      await closed.close();
      const offline = await kind.create({ apiKey: API_KEY, baseUrl: url });
      const error = await offline.features.checkFlags().catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, /^POST \/flags\/check failed: no response/);
      assert.ok(!error.message.includes(API_KEY));
    });

    it("bad arguments are rejected before anything is sent", T, async () => {
      await assert.rejects(client.companies.getCompany({ companyId: "" }), InvalidArgumentError);
      await assert.rejects(client.companies.getCompany({ companyId: ".." }), /must not be "\.\."/);
      await assert.rejects(client.features.checkFlags({}, { headers: { "x-bad": "a\r\nb" } }), /line break/);
      await assert.rejects(client.features.checkFlags({}, { timeoutMs: -1 }), /options.timeoutMs must be a positive number/);
      assert.equal(api.requests.length, 0);
    });

    it("bad client options fail at construction, naming the option", T, async () => {
      await assert.rejects(kind.create({ apiKey: "" }), /apiKey is required/);
      await assert.rejects(kind.create({ apiKey: API_KEY, baseUrl: "not a url" }), /baseUrl must be an absolute http\(s\) URL/);
      await assert.rejects(kind.create({ apiKey: API_KEY, eventCaptureBaseUrl: "ftp://x" }), /eventCaptureBaseUrl/);
      await assert.rejects(kind.create({ apiKey: API_KEY, timeoutMs: Number.NaN }), /timeoutMs must be a positive number/);
      await assert.rejects(
        kind.create({
          apiKey: API_KEY,
          headers: { a: 1 as unknown as string },
        }),
        /header "a" must be a string/,
      );
    });

    it("client headers are sent, and per-request headers win", T, async () => {
      const withHeaders = await kind.create({
        apiKey: API_KEY,
        baseUrl: api.url,
        headers: { "x-team": "growth", "x-trace": "client" },
      });
      api.handle((_, res) => sendJson(res, 201, { data: { flags: [] } }));
      await withHeaders.features.checkFlags({}, { headers: { "x-trace": "call" } });
      const request = only(api);
      assert.equal(request.headers["x-team"], "growth");
      assert.equal(request.headers["x-trace"], "call");
    });
  });
}
