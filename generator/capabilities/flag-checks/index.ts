import { markdownCode, valueLiteral } from "../../escape.js";
import type { Capability } from "../capability.js";
import { checkFlagChecks } from "./check.js";
import { flagCheckClient } from "./emit.js";
import { normalizeFlagChecks } from "./normalize.js";
import { FLAG_CHECK_OPTIONS } from "./options.js";
import type { IrFlagChecks, ManifestFlagChecks } from "./types.js";

/** Boolean flag checks over one operation: cached, answered from defaults when the service cannot answer, offline mode. */
export const flagChecks: Capability<ManifestFlagChecks, IrFlagChecks> = {
  key: "flagChecks",
  schemaFile: new URL("./schema.json", import.meta.url),
  options: FLAG_CHECK_OPTIONS,
  offline: true,
  members: ["checkFlag", "checkFlagWithEntitlement", "setFlagDefault", "setFlagDefaults"],
  privateMembers: ["flags"],
  exportedNames: ["FlagCheckContext", "FlagCheckResult"],
  check: checkFlagChecks,
  normalize: normalizeFlagChecks,
  client: flagCheckClient,
  eagerOperations: (checks) => [checks.operation],
  localWork: () => ["flag-check cache hits and defaults", "offline answers"],
  docs: (_api, checks) => {
    const example = `${checks.contextFields[0]!.tsName}: { id: "example" }`;
    return {
      template: new URL("./readme.md.hbs", import.meta.url),
      view: {
        resultType: checks.resultType,
        cache: checks.cache,
        contextList: checks.contextFields.map((f) => markdownCode(f.tsName)).join(", "),
        example,
      },
      syncQuickstart: [`const on = client.checkFlag("new-dashboard", { ${example} }); // a boolean`],
      logCauses: ["defaulted flag checks"],
      passThroughMaps: "the flag-check context",
      syncOptions: "A `cache` store of your own must answer synchronously (a RedisCache is refused with InvalidArgumentError).",
      optionRows: [
        {
          name: "cache",
          type: "FlagCacheOption",
          default: valueLiteral(checks.cache),
          description: "Cache of flag-check answers: sizes (with an optional `store` behind them), a `CacheProvider`, or `false`.",
        },
      ],
    };
  },
};
