// Map and object query parameters (style form and deepObject) as they reach a real server, for both clients of the
// wire-shapes fixture: exact query strings, what a common server parses of them, and the refusals before sending.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { InvalidArgumentError } from "./fixtures/wire-shapes/expected/index.js";
import { SHAPES_KINDS } from "./fixtures/wire-shapes/clients.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 30_000 };
let server: TestServer;

before(async () => {
  server = await startServer((_, response) => sendJson(response, 200, []));
});
after(() => server.close());

for (const kind of SHAPES_KINDS) {
  describe(`query styles (${kind.name} client)`, () => {
    const client = () => kind.create({ baseUrl: server.url, maxRetries: 0 });

    it("sends an object type as deepObject with wire names, dates and form-encoded keys and values", T, async () => {
      const shapes = await client();
      await shapes.contacts.searchContacts({
        keys: { email: "a@b.c", companyId: "co 1&x=y", seenOn: "2025-01-31", seenAfter: new Date("2025-02-01T10:00:00.000Z"), vip: true },
        labels: { "tier[1]": "gold & silver", ü: "ok+", skipped: undefined as unknown as string },
        limit: 5,
      });
      const request = server.requests.at(-1)!;
      assert.equal(
        request.url,
        "/contacts/search?keys[company_id]=co+1%26x%3Dy&keys[email_address]=a%40b.c&keys[seen_after]=2025-02-01T10%3A00%3A00.000Z" +
          "&keys[seen_on]=2025-01-31&keys[vip]=true&labels[tier%5B1%5D]=gold+%26+silver&labels[%C3%BC]=ok%2B&limit=5",
      );
      // What a server's own parser (URLSearchParams here; qs reads the brackets the same way) makes of it.
      assert.equal(request.query.get("keys[email_address]"), "a@b.c");
      assert.equal(request.query.get("keys[company_id]"), "co 1&x=y");
      assert.equal(request.query.get("labels[tier[1]]"), "gold & silver");
      assert.equal(request.query.get("labels[ü]"), "ok+");
      assert.equal(request.headers.accept, "application/json");
    });

    it("sends form style (the default for an object type) as one parameter per entry", T, async () => {
      const shapes = await client();
      await shapes.contacts.filterContacts({
        where: { email: "x@y.z", companyId: "c1", vip: false },
        extra: { "a b": "1", page: "2" },
        days: { start: "2025-01-01", end: "2025-12-31" },
      });
      assert.equal(
        server.requests.at(-1)!.url,
        "/contacts/filter?days[start]=2025-01-01&days[end]=2025-12-31&a+b=1&page=2&company_id=c1&email_address=x%40y.z&vip=false",
      );
    });

    it("sends nothing for an empty map and leaves out null entries", T, async () => {
      const shapes = await client();
      await shapes.contacts.filterContacts({ extra: {}, where: { email: null as unknown as string, companyId: "c2" } });
      assert.equal(server.requests.at(-1)!.url, "/contacts/filter?company_id=c2");
    });

    it("refuses a nested value, naming the parameter and key, and a bad date, before sending", T, async () => {
      const shapes = await client();
      const sentBefore = server.requests.length;
      const refusals: [() => Promise<unknown>, string | RegExp][] = [
        [
          () => shapes.contacts.searchContacts({ keys: {}, labels: { tier: { level: 1 } as unknown as string } }),
          'query parameter "labels" key "tier" must be a string, a number or a boolean, got an object',
        ],
        [
          () => shapes.contacts.searchContacts({ keys: { email: ["a@b.c"] as unknown as string } }),
          'query parameter "keys" key "email" must be a string, a number or a boolean, got an array',
        ],
        [() => shapes.contacts.filterContacts({ days: { start: "2025-02-30" } }), /^query parameter "days": "start" must be a calendar date written YYYY-MM-DD/],
        [() => shapes.contacts.searchContacts({ keys: "email=a" as unknown as object }), 'query parameter "keys" must be an object, got string "email=a"'],
      ];
      for (const [call, message] of refusals) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof InvalidArgumentError, String(error));
          if (typeof message === "string") assert.equal(error.message, message);
          else assert.match(error.message, message);
          return true;
        });
      }
      assert.equal(server.requests.length, sentBefore, "nothing was sent");
    });
  });
}
