/** Wire-shaped (snake_case) records as the Schematic API returns them, and their decoded SDK shapes. */
import type { CompanyDetailResponseData } from "../../generated/index.js";

export const API_KEY = "sch_test_secret_key_123";

/** A company as the API sends it: nested models, dates, user maps, and a field the manifest does not know. */
export function wireCompany() {
  return {
    id: "co_1",
    name: "Acme",
    environment_id: "env_1",
    created_at: "2025-01-02T03:04:05.000Z",
    updated_at: "2025-02-03T04:05:06.000Z",
    last_seen_at: null,
    user_count: 12,
    add_ons: [],
    billing_subscriptions: [],
    custom_plan_billings: [],
    entitlements: [{ feature_id: "feat_1", feature_key: "seats", value_type: "numeric", allocation: 10, usage: 3, metric_reset_at: "2025-03-01T00:00:00.000Z" }],
    entity_traits: [],
    keys: [
      {
        id: "key_1",
        key: "id",
        value: "co_1",
        entity_id: "co_1",
        entity_type: "company",
        environment_id: "env_1",
        definition_id: "def_1",
        created_at: "2025-01-02T03:04:05.000Z",
        updated_at: "2025-01-02T03:04:05.000Z",
      },
    ],
    metrics: [],
    payment_methods: [],
    plans: [{ id: "plan_1", name: "Gold", description: null }],
    rules: [],
    billing_credit_balances: { credit_abc: 12.5 },
    traits: { city: "Atlanta", seat_count: 5, nested_map: { snake_key: 1 } },
    a_field_from_the_future: true,
  };
}

export function decodedCompany(): CompanyDetailResponseData {
  return {
    id: "co_1",
    name: "Acme",
    environmentId: "env_1",
    createdAt: new Date("2025-01-02T03:04:05.000Z"),
    updatedAt: new Date("2025-02-03T04:05:06.000Z"),
    lastSeenAt: null,
    userCount: 12,
    addOns: [],
    billingSubscriptions: [],
    customPlanBillings: [],
    entitlements: [
      { featureId: "feat_1", featureKey: "seats", valueType: "numeric", allocation: 10, usage: 3, metricResetAt: new Date("2025-03-01T00:00:00.000Z") },
    ],
    entityTraits: [],
    keys: [
      {
        id: "key_1",
        key: "id",
        value: "co_1",
        entityId: "co_1",
        entityType: "company",
        environmentId: "env_1",
        definitionId: "def_1",
        createdAt: new Date("2025-01-02T03:04:05.000Z"),
        updatedAt: new Date("2025-01-02T03:04:05.000Z"),
      },
    ],
    metrics: [],
    paymentMethods: [],
    plans: [{ id: "plan_1", name: "Gold", description: null }],
    rules: [],
    billingCreditBalances: { credit_abc: 12.5 },
    traits: { city: "Atlanta", seat_count: 5, nested_map: { snake_key: 1 } },
  };
}
