import { Scope, StructureKind, VariableDeclarationKind, type OptionalKind, type PropertySignatureStructure, type StatementStructures } from "ts-morph";
import { jsDoc } from "../../emit/docs.js";
import { syncCall } from "../../emit/resources.js";
import { type Imports, files, propertyKey } from "../../emit/layout.js";
import { tsType } from "../../emit/type-expr.js";
import type { ClientFlavour } from "../../flavour.js";
import type { IrApi } from "../../ir.js";
import { clientCommonOptionsTypeName, operationConstName } from "../../naming.js";
import type { ClassParts, ClientEmitter } from "../capability.js";
import type { IrFlagChecks } from "./types.js";

const operationConst = (checks: IrFlagChecks) => operationConstName(checks.operation.name);

/** The context and result types of flag checks, declared beside the client. */
function declarations(_api: IrApi, checks: IrFlagChecks, imports: Imports): StatementStructures[] {
  imports.add(files.types, [checks.resultType], true).runtime("FlagFallback", "FlagCacheOption");
  return [
    {
      kind: StructureKind.Interface,
      name: "FlagCheckContext",
      isExported: true,
      docs: jsDoc("Who a flag is checked for. Each map is sent as given, e.g. `{ company: { id: \"co_123\" } }`."),
      properties: checks.contextFields.map((field) => ({
        name: propertyKey(field.tsName),
        type: tsType({ ...field.type, nullable: false }),
        hasQuestionToken: true,
        docs: jsDoc(field.description),
      })),
    },
    {
      kind: StructureKind.TypeAlias,
      name: "FlagCheckResult",
      isExported: true,
      docs: jsDoc(
        `The full answer of a flag check. \`fallback\` is set when the answer is a default rather than the service's evaluation, and says why.`,
      ),
      type: `${checks.resultType} & { fallback?: FlagFallback }`,
    },
  ];
}

/** The spec of flag checks and the settings both clients build from their options, declared once beside them. */
function shared(api: IrApi, checks: IrFlagChecks, imports: Imports): StatementStructures[] {
  imports.runtime("FlagCheckSpec", "FlagCheckSettings");
  imports.add(files.resource(checks.resource.name), [operationConst(checks)]);
  const result = checks.resultType;
  // A shared cache store names the client's entries by a hash of its credentials (the checker hashes them and keeps
  // only that): with basic auth, the username too, so that accounts sharing a password never share entries.
  const secret = api.auth.option;
  const user = api.auth.usernameOption;
  const credentials = secret === undefined ? undefined : user === undefined ? `options.${secret}` : `[options.${user}, options.${secret}].join("\\0")`;
  const picked = [user, secret].filter((name) => name !== undefined).map((name) => `${JSON.stringify(name)} | `).join("");
  return [
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      docs: jsDoc(`How flag checks map onto \`${checks.resource.name}.${checks.operation.name}\`.`),
      declarations: [
        {
          name: "flagCheckSpec",
          type: `FlagCheckSpec<${result}>`,
          initializer: `{
            operation: ${operationConst(checks)},
            flagKeyParam: ${JSON.stringify(checks.flagKeyParam)},
            contextFields: ${JSON.stringify(checks.contextFields.map((f) => f.tsName))},
            fields: ${JSON.stringify(checks.fields)},
            cacheDefaults: clientDefaults.cache,
          }`,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: "flagCheckSettings",
      parameters: [
        {
          name: "options",
          type: `Pick<${clientCommonOptionsTypeName(api.name)}, ${picked}"cache" | "flagDefaults" | "offline" | "logger" | "totalTimeoutMs" | "flagCheckTimeoutMs" | "flagCircuitFailures" | "flagCircuitCooldownMs">`,
        },
      ],
      returnType: `FlagCheckSettings<${result}>`,
      statements: `return {
        cache: options.cache,${credentials === undefined ? "" : `\n        apiKey: ${credentials},`}
        flagDefaults: options.flagDefaults ?? clientDefaults.flagDefaults,
        offline: options.offline ?? clientDefaults.offline,
        logger: options.logger,
        totalTimeoutMs: options.totalTimeoutMs === undefined ? clientDefaults.totalTimeoutMs : options.totalTimeoutMs,
        flagCheckTimeoutMs: options.flagCheckTimeoutMs ?? clientDefaults.flagCheckTimeoutMs,
        flagCircuitFailures: options.flagCircuitFailures ?? clientDefaults.flagCircuitFailures,
        flagCircuitCooldownMs: options.flagCircuitCooldownMs ?? clientDefaults.flagCircuitCooldownMs,
      };`,
    },
  ];
}

/** The client's flag-check members: a checker over the manifest's operation (FlagChecker, or SyncFlagChecker), and the methods that use it. */
function members(api: IrApi, checks: IrFlagChecks, imports: Imports, flavour: ClientFlavour): ClassParts {
  const checker = CHECKERS[flavour.kind];
  imports.runtime(checker, "FlagCheckOptions");
  const example = (call: string) => `\nconst on = ${flavour.call(`client.${call}("new-dashboard", { ${checks.contextFields[0]!.tsName}: { id: "co_123" } })`)};`;
  const args = [
    { name: "flagKey", type: "string" },
    { name: "context", type: "FlagCheckContext", hasQuestionToken: true },
    { name: "options", type: "FlagCheckOptions", hasQuestionToken: true },
  ];
  const blocking = flavour.kind === "sync" ? " Only a check that misses the cache blocks, until the service answers or the check falls back." : "";
  return {
    properties: [{ name: "flags", type: `${checker}<${checks.resultType}>`, scope: Scope.Private, isReadonly: true }],
    methods: [
      {
        name: "checkFlag",
        parameters: args,
        returnType: flavour.returns("boolean"),
        docs: jsDoc(
          `Whether a flag is on for the given context. Answers from the cache when it can; when the service cannot answer (offline, circuit open, timeout, connection failure, 5xx or 429 after retries, unknown flag, malformed answer) it returns \`options.defaultValue\`, else the flag's default, else false, and never throws for it. Throws InvalidArgumentError for a bad flag key or context.${blocking}`,
          { example: example("checkFlag") },
        ),
        statements: "return this.flags.check(flagKey, context, options);",
      },
      {
        name: "checkFlagWithEntitlement",
        parameters: args,
        returnType: flavour.returns("FlagCheckResult"),
        docs: jsDoc(
          `Like {@link ${flavour.clientClassName(api)}.checkFlag}, with the full answer: value, reason, flag and rule ids, entitlement.`,
        ),
        statements: "return this.flags.checkWithEntitlement(flagKey, context, options);",
      },
      {
        name: "setFlagDefault",
        parameters: [
          { name: "flagKey", type: "string" },
          { name: "value", type: "boolean" },
        ],
        returnType: "void",
        docs: jsDoc("Sets the value a check of this flag returns when the service cannot answer."),
        statements: "this.flags.setDefault(flagKey, value);",
      },
      {
        name: "setFlagDefaults",
        parameters: [{ name: "defaults", type: "Record<string, boolean>" }],
        returnType: "void",
        docs: jsDoc("Sets the defaults of several flags at once; flags not named keep theirs."),
        statements: "this.flags.setDefaults(defaults);",
      },
    ],
  };
}

/** The checker each flavour's client holds. */
const CHECKERS = { async: "FlagChecker", sync: "SyncFlagChecker" } as const;

/** The statement that creates the checker in a client's constructor; the sync one reaches the service through its core. */
function init(checks: IrFlagChecks, flavour: ClientFlavour): string {
  if (flavour.kind === "async") return "this.flags = new FlagChecker(core, flagCheckSpec, flagCheckSettings(options));";
  return `this.flags = new SyncFlagChecker(
    (args, callOptions) => core.request(${syncCall(checks.resource, checks.operation)}, args, callOptions),
    flagCheckSpec,
    flagCheckSettings(options),
  );`;
}

/** The `cache` option: its store lives where the checks run, so the sync client's must answer synchronously. */
function optionProperties(_api: IrApi, checks: IrFlagChecks, flavour: ClientFlavour): OptionalKind<PropertySignatureStructure>[] {
  const store =
    flavour.kind === "sync"
      ? "Cache of flag-check results, kept in the calling thread: sizes for the built-in LRU cache (`maxSize` 0 disables it), optionally with a `store` behind it, a `CacheProvider` of your own whose methods answer synchronously, or false for none. A store that answers asynchronously (RedisCache) is refused with InvalidArgumentError."
      : "Cache of flag-check results: sizes for the built-in LRU cache (`maxSize` 0 disables it), optionally with a `store` behind it (two levels: memory, then e.g. a RedisCache shared by your app's instances, then the service), a `CacheProvider` of your own alone, or false for none.";
  return [
    {
      name: "cache",
      type: `FlagCacheOption<${checks.resultType}>`,
      hasQuestionToken: true,
      docs: jsDoc(store, { default: JSON.stringify(checks.cache) }),
    },
  ];
}

export const flagCheckClient: ClientEmitter<IrFlagChecks> = {
  declarations,
  optionProperties,
  defaults: (checks) => [["cache", JSON.stringify(checks.cache)]],
  // Checks of the sync client run in its calling thread, with their cache; the worker's client must not cache again.
  callerOptions: { names: ["cache"], worker: { cache: false } },
  // Offline mode reaches the core as its request gate: calls throw OfflineError, and no credentials are needed.
  coreSettings: (_checks, imports) => {
    imports.runtime("offlineGate");
    return ["gate: offlineGate(options.offline ?? clientDefaults.offline),"];
  },
  // The async client's doc shows resources only, as it always did; the sync one shows that a check needs no await.
  classExample: (checks, flavour) =>
    flavour.kind === "sync" ? `\nconst on = client.checkFlag("new-dashboard", { ${checks.contextFields[0]!.tsName}: { id: "co_123" } }); // a boolean, no await` : "",
  shared,
  members,
  init,
};
