import { fieldOf } from "../../manifest.js";
import type { CheckContext } from "../capability.js";
import type { ManifestFlagChecks } from "./types.js";

/** The section names an operation, and fields of it with the types the runtime relies on. */
export function checkFlagChecks(checks: ManifestFlagChecks, context: CheckContext): void {
  const { data } = context;
  const path = ["flagChecks"];
  const op = context.operationAt([...path, "operation"], checks.operation);
  if (!op) return;
  const pathParam = op.pathParams?.[checks.flagKey];
  if (pathParam === undefined || fieldOf(pathParam).type !== "string") {
    const hint = !Object.hasOwn(op.pathParams ?? {}, checks.flagKey) ? context.suggest(checks.flagKey, Object.keys(op.pathParams ?? {})) : "";
    context.report([...path, "flagKey"], `"${checks.flagKey}" must be a string path parameter of ${checks.operation}${hint}`);
  }
  const body = op.body === undefined ? undefined : data.types[op.body]?.properties;
  for (const [index, field] of checks.context.entries()) {
    const type = body?.[field] === undefined ? undefined : fieldOf(body[field]).type.replace(/\?$/, "");
    if (type !== "map<string>") {
      const hint = body !== undefined && !Object.hasOwn(body, field) ? context.suggest(field, Object.keys(body)) : "";
      context.report([...path, "context", index], `"${field}" must be a map<string> field of the body of ${checks.operation}${hint}`);
    }
  }
  const resultType = op.response.type === undefined ? undefined : data.types[op.response.type];
  const expected = { value: "boolean", flag: "string", reason: "string", error: "string" } as const;
  for (const [role, field] of Object.entries(checks.result) as [keyof typeof expected, string][]) {
    const declared = resultType?.properties?.[field];
    const type = declared === undefined ? undefined : fieldOf(declared).type.replace(/\?$/, "");
    if (type !== expected[role]) {
      const fields = resultType?.properties;
      const hint = fields !== undefined && declared === undefined ? context.suggest(field, Object.keys(fields)) : "";
      context.report(
        [...path, "result", role],
        `"${field}" must be a ${expected[role]} field of the result of ${checks.operation} (${op.response.type ?? "none"})${hint}`,
      );
    }
  }
}
