import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import {
  CompaniesResource,
  CompaniesSyncResource,
  FeaturesResource,
  FeaturesSyncResource,
  SchematicClient,
  SchematicSyncClient,
} from "../generated/index.js";

const T = { timeout: 30_000 };
const API_KEY = "sk_lazy_resources_secret_1234";

describe("resources of a client (built on first use)", () => {
  for (const { name, create, companies, features } of [
    { name: "async", create: () => new SchematicClient({ apiKey: API_KEY }), companies: CompaniesResource, features: FeaturesResource },
    { name: "sync", create: () => new SchematicSyncClient({ apiKey: API_KEY }), companies: CompaniesSyncResource, features: FeaturesSyncResource },
  ] as const) {
    it(`${name}: each is one object of its class, kept for the client's life`, T, () => {
      const client = create();
      const first = client.companies;
      assert.ok(first instanceof companies);
      assert.equal(client.companies, first, "the same object on every read");
      assert.ok(client.features instanceof features);
      assert.notEqual(create().companies, first, "another client has its own");
    });

    it(`${name}: is read-only, as its type says`, T, () => {
      const client = create();
      const before = client.companies;
      // Module code is strict: assigning a property that has only a getter throws.
      assert.throws(() => {
        (client as unknown as { companies: unknown }).companies = {};
      }, TypeError);
      assert.equal(client.companies, before);
    });

    it(`${name}: the client's inspect output shows neither the core nor the API key`, T, () => {
      const client = create();
      void client.companies;
      const shown = inspect(client, { depth: 5, showHidden: true });
      assert.doesNotMatch(shown, new RegExp(API_KEY));
    });
  }
});
