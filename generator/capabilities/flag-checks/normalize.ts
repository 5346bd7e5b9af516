import type { IrObjectType } from "../../ir.js";
import type { NormalizeContext } from "../capability.js";
import type { IrFlagChecks, ManifestFlagChecks } from "./types.js";

export function normalizeFlagChecks(checks: ManifestFlagChecks, context: NormalizeContext): IrFlagChecks {
  const { resource, operation } = context.operationNamed(checks.operation);
  const body = context.objectType(operation.body);
  const result = context.objectType(operation.response.type?.kind === "ref" ? operation.response.type.name : undefined);
  const tsName = (type: IrObjectType, wireName: string) => type.properties.find((p) => p.wireName === wireName)!.tsName;
  return {
    resource,
    operation,
    flagKeyParam: operation.pathParams.find((p) => p.wireName === checks.flagKey)!.tsName,
    contextFields: checks.context.map((wireName) => body.properties.find((p) => p.wireName === wireName)!),
    resultType: result.name,
    fields: {
      value: tsName(result, checks.result.value),
      flag: tsName(result, checks.result.flag),
      reason: tsName(result, checks.result.reason),
      error: tsName(result, checks.result.error),
    },
    cache: { maxSize: checks.cache.maxSize, maxAgeMs: checks.cache.maxAgeMs },
  };
}
