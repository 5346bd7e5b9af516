import { Scope, StructureKind, type ClassDeclarationStructure, type StatementStructures } from "ts-morph";
import type { IrApi, IrFlagChecks } from "../ir.js";
import { operationConstName } from "../naming.js";
import { jsDoc } from "./docs.js";
import { Imports, files, propertyKey } from "./layout.js";
import { tsType } from "./type-expr.js";

type ClassParts = Pick<ClassDeclarationStructure, "properties" | "methods">;

const operationConst = (checks: IrFlagChecks) => operationConstName(checks.operation.name);

/** The context and result types of flag checks, declared beside the client. */
export function flagCheckTypes(checks: IrFlagChecks, imports: Imports, runtimeEntry: string): StatementStructures[] {
  imports.add(files.types, [checks.resultType], true).add(runtimeEntry, ["FlagFallback"], true);
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

/** The client's flag-check members: a FlagChecker over the manifest's operation, and the methods that use it. */
export function flagCheckMembers(api: IrApi, checks: IrFlagChecks, imports: Imports, runtimeEntry: string): ClassParts {
  imports.add(runtimeEntry, ["FlagChecker"]).add(runtimeEntry, ["FlagCheckOptions"], true);
  imports.add(files.resource(checks.resource.name), [operationConst(checks)]);
  const example = (call: string) => `\nconst on = await client.${call}("new-dashboard", { ${checks.contextFields[0]!.tsName}: { id: "co_123" } });`;
  const args = [
    { name: "flagKey", type: "string" },
    { name: "context", type: "FlagCheckContext", hasQuestionToken: true },
    { name: "options", type: "FlagCheckOptions", hasQuestionToken: true },
  ];
  return {
    properties: [{ name: "flags", type: `FlagChecker<${checks.resultType}>`, scope: Scope.Private, isReadonly: true }],
    methods: [
      {
        name: "checkFlag",
        parameters: args,
        returnType: "Promise<boolean>",
        docs: jsDoc(
          `Whether a flag is on for the given context. Answers from the cache when it can; when the service cannot answer (offline, timeout, connection failure, 5xx or 429 after retries, unknown flag) it returns \`options.defaultValue\`, else the flag's default, else false, and never throws for it. Throws InvalidArgumentError for a bad flag key or context.`,
          { example: example("checkFlag") },
        ),
        statements: "return this.flags.check(flagKey, context, options);",
      },
      {
        name: "checkFlagWithEntitlement",
        parameters: args,
        returnType: "Promise<FlagCheckResult>",
        docs: jsDoc(`Like {@link ${api.clientClassName}.checkFlag}, with the full answer: value, reason, flag and rule ids, entitlement.`),
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

/** The statement that creates the FlagChecker in the client's constructor. */
export function flagCheckerInit(checks: IrFlagChecks): string {
  return `this.flags = new FlagChecker(core, {
    operation: ${operationConst(checks)},
    flagKeyParam: ${JSON.stringify(checks.flagKeyParam)},
    contextFields: ${JSON.stringify(checks.contextFields.map((f) => f.tsName))},
    fields: ${JSON.stringify(checks.fields)},
    cacheDefaults: clientDefaults.cache,
  }, {
    cache: options.cache,
    flagDefaults: options.flagDefaults ?? clientDefaults.flagDefaults,
    offline: options.offline ?? clientDefaults.offline,
    logger: options.logger,
  });`;
}
