import { PUBLIC_RUNTIME_NAMES, RUNTIME_NAMES } from "./contract.js";

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

/**
 * Reserved words of JavaScript, those of strict mode (which TypeScript reserves too), and the names strict mode
 * forbids as bindings: refused as manifest names. TypeScript's contextual keywords (type, get, set, from, ...) are
 * ordinary identifiers and stay allowed.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  ...["break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum"],
  ...["export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null"],
  ...["return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with"],
  ...["implements", "interface", "let", "package", "private", "protected", "public", "static", "yield"],
  ...["await", "arguments", "eval"],
]);

/**
 * Global names a generated type or class must not shadow: the ECMAScript 2023 globals, TypeScript's built-in and
 * utility types, and the web and Node.js globals of Node 20.
 */
export const GLOBAL_NAMES: ReadonlySet<string> = new Set([
  ...["AggregateError", "Array", "ArrayBuffer", "Atomics", "BigInt", "BigInt64Array", "BigUint64Array", "Boolean"],
  ...["DataView", "Date", "Error", "EvalError", "FinalizationRegistry", "Float32Array", "Float64Array", "Function"],
  ...["Infinity", "Int8Array", "Int16Array", "Int32Array", "Intl", "Iterator", "JSON", "Map", "Math", "NaN", "Number"],
  ...["Object", "Promise", "Proxy", "RangeError", "ReferenceError", "Reflect", "RegExp", "Set", "SharedArrayBuffer"],
  ...["String", "Symbol", "SyntaxError", "TypeError", "URIError", "Uint8Array", "Uint8ClampedArray", "Uint16Array"],
  ...["Uint32Array", "WeakMap", "WeakRef", "WeakSet", "WebAssembly"],
  ...["ArrayLike", "AsyncGenerator", "AsyncIterable", "AsyncIterableIterator", "Awaited", "Capitalize"],
  ...["ConstructorParameters", "Exclude", "Extract", "Generator", "InstanceType", "Iterable", "IterableIterator"],
  ...["Lowercase", "NoInfer", "NonNullable", "Omit", "OmitThisParameter", "Parameters", "Partial", "Pick"],
  ...["PromiseLike", "PropertyKey", "Readonly", "ReadonlyArray", "ReadonlyMap", "ReadonlySet", "Record", "Required"],
  ...["ReturnType", "TemplateStringsArray", "ThisParameterType", "ThisType", "Uncapitalize", "Uppercase"],
  ...["AbortController", "AbortSignal", "Blob", "BroadcastChannel", "Buffer", "Crypto", "CryptoKey", "DOMException"],
  ...["Event", "EventTarget", "File", "FormData", "Headers", "MessageChannel", "MessageEvent", "MessagePort"],
  ...["NodeJS", "Performance", "ReadableStream", "Request", "Response", "TextDecoder", "TextEncoder"],
  ...["TransformStream", "URL", "URLSearchParams", "WebSocket", "WritableStream"],
]);

/** Private members of the generated resource classes (emit/resources.ts); capabilities declare the clients'. */
export const RESOURCE_PRIVATE_MEMBERS: readonly string[] = ["core"];

/** Names every object inherits from Object.prototype ("constructor", "toString", "__proto__", ...). */
export const isInherited = (name: string) => name in Object.prototype;

/**
 * Why a manifest name cannot be a type or class of the generated code, or a member (resource, operation, option,
 * event kind) of its classes; undefined when it can.
 */
export function nameProblem(name: string, role: "type" | "member"): string | undefined {
  if (RESERVED_WORDS.has(name)) return "is a reserved word of JavaScript or TypeScript";
  if (role === "member" && isInherited(name)) return "is inherited by every JavaScript object (Object.prototype)";
  if (role === "type" && GLOBAL_NAMES.has(name)) return "is a global of JavaScript, TypeScript or Node.js, which the generated code would shadow";
  // Public runtime exports (ApiError, RequestOptions...) are reported with the other exported names.
  if (role === "type" && ((RUNTIME_NAMES.has(name) && !PUBLIC_RUNTIME_NAMES.has(name)) || RUNTIME_NAMES.has(codecName(name)))) {
    return `would clash with "${RUNTIME_NAMES.has(name) ? name : codecName(name)}", which the generated code imports from the runtime`;
  }
  return undefined;
}
