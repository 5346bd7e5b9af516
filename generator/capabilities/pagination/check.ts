import { fieldOf, type Manifest, type ManifestOperation } from "../../manifest.js";
import type { IrTypeRef } from "../../ir.js";
import { parseTypeExpr } from "../../type-expr.js";
import type { CheckContext } from "../capability.js";
import { inheritedStyle, pagingFit, withDefaults, type PagedOperationShape } from "./styles.js";
import type { ManifestPagination } from "./types.js";

/** A type expression, or undefined when it does not parse (the core's checks report that). */
function typeOf(text: string | undefined): IrTypeRef | undefined {
  if (text === undefined) return undefined;
  try {
    return parseTypeExpr(text);
  } catch {
    return undefined;
  }
}

/** An operation of the manifest as the fit rule sees it. */
export function manifestShape(op: ManifestOperation, data: Manifest): PagedOperationShape {
  const query = new Map<string, IrTypeRef>();
  for (const [name, field] of Object.entries(op.query ?? {})) {
    const type = typeOf(fieldOf(field).type);
    if (type) query.set(name, type);
  }
  return {
    query,
    result: (op.response.content ?? "json") === "json" ? typeOf(op.response.type) : undefined,
    fieldsOf(typeName) {
      const properties = Object.hasOwn(data.types, typeName) ? data.types[typeName]!.properties : undefined;
      if (properties === undefined) return undefined;
      return new Map(Object.entries(properties).flatMap(([name, field]) => {
        const type = typeOf(fieldOf(field).type);
        return type ? [[name, type] as const] : [];
      }));
    },
  };
}

/**
 * Every resource and operation the section names exists; an operation named with a style fits it; a default or a
 * resource's style fits at least one operation (else its names are likely wrong).
 */
export function checkPagination(section: ManifestPagination, context: CheckContext): void {
  const { data } = context;
  for (const resource of Object.keys(section.resources ?? {})) {
    if (!Object.hasOwn(data.resources, resource)) {
      context.report(["pagination", "resources", resource], `unknown resource "${resource}"${context.suggest(resource, Object.keys(data.resources))}`, "key");
    }
  }
  for (const [reference, style] of Object.entries(section.operations ?? {})) {
    const path = ["pagination", "operations", reference];
    const op = context.operationAt(path, reference);
    if (!op || style === false) continue;
    const fit = pagingFit(manifestShape(op, data), withDefaults(style));
    if ("problem" in fit) context.report(path, `${reference} cannot page in the ${style.style} style: ${fit.problem}`, "key");
  }
  // Keyed by the entry's path (joined): whether any operation fits the style it gives.
  const used = new Map<string, { path: string[]; fitsAny: boolean }>();
  for (const [resourceName, resource] of Object.entries(data.resources)) {
    // The style the operations inherit, whatever their own entries say: a default whose names are right fits the
    // operations it was meant for, even those an entry turns off.
    const { style, path } = inheritedStyle(section, resourceName);
    if (style === undefined || style === false) continue;
    const entry = used.get(path.join(".")) ?? { path, fitsAny: false };
    for (const op of Object.values(resource.operations)) entry.fitsAny ||= !("problem" in pagingFit(manifestShape(op, data), withDefaults(style)));
    used.set(path.join("."), entry);
  }
  for (const { path, fitsAny } of used.values()) {
    if (!fitsAny) context.report(path, "no operation fits this style: none has its query parameters and a list result");
  }
}
