/** Splits a wire or manifest name into lower-case words: "company_id", "X-Api-Key", "planVersionIds". */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function camelCase(name: string): string {
  const [first = "", ...rest] = words(name);
  return first + rest.map(capitalize).join("");
}

export function pascalCase(name: string): string {
  return words(name).map(capitalize).join("");
}

/** "CompanyDetailResponseData" -> "companyDetailResponseData" (keeps acronyms readable by lower-casing only the first letter). */
export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Name of the generated codec constant of a model. */
export function codecName(typeName: string): string {
  return `${lowerFirst(typeName)}Codec`;
}

export function kebabCase(name: string): string {
  return words(name).join("-");
}

export const resourceClassName = (resource: string) => `${pascalCase(resource)}Resource`;
export const paramsTypeName = (operation: string) => `${pascalCase(operation)}Params`;
export const syncResourceClassName = (resource: string) => `${pascalCase(resource)}SyncResource`;
export const clientClassName = (api: string) => `${api}Client`;
export const syncClientClassName = (api: string) => `${api}SyncClient`;
export const syncClientOptionsTypeName = (api: string) => `${api}SyncClientOptions`;
export const syncClientCommonOptionsTypeName = (api: string) => `${api}SyncClientCommonOptions`;
export const clientOptionsTypeName = (api: string) => `${api}ClientOptions`;
/** Name of the (internal) descriptor constant of an operation, exported by its resource file. */
export const operationConstName = (operation: string) => `${operation}Operation`;
export const clientCommonOptionsTypeName = (api: string) => `${api}ClientCommonOptions`;

