// The IR of a manifest file, and lookups the wire harness makes in it.
import { loadManifest } from "../../../generator/load.js";
import { normalizeManifest } from "../../../generator/normalize.js";
import { validateManifest } from "../../../generator/validate.js";
import type { IrApi, IrObjectType, IrType } from "../../../generator/ir.js";

export async function loadIr(manifestPath: string): Promise<IrApi> {
  return normalizeManifest(validateManifest(await loadManifest(manifestPath)), manifestPath);
}

export function typeNamed(api: IrApi, name: string): IrType {
  const type = api.types.find((t) => t.name === name);
  if (type === undefined) throw new Error(`wire harness: no type ${name} in ${api.name}`);
  return type;
}

export function objectNamed(api: IrApi, name: string): IrObjectType {
  const type = typeNamed(api, name);
  if (type.kind !== "object") throw new Error(`wire harness: ${name} is a ${type.kind}, not an object`);
  return type;
}

/** Sets a key as data, so that a "__proto__" wire name is an own property rather than the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
