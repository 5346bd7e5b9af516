import { readFileSync } from "node:fs";
import Handlebars from "handlebars";
import { tsType, typeNamed } from "./emit/type-expr.js";
import { authOptions } from "./emit/client.js";
import { methodReturns } from "./emit/resources.js";
import { DEFAULT_MESSAGE_FIELD } from "./emit/errors.js";
import { usedCapabilities } from "./capabilities/index.js";
import { hasOfflineOption } from "./capabilities/offline.js";
import { localWork } from "./emit/client.js";
import { ASYNC, SYNC } from "./flavour.js";
import {
  htmlCommentText,
  lineCommentText,
  markdownCellCode,
  markdownCode,
  markdownFenced,
  markdownInline,
  markdownParagraph,
  valueLiteral,
} from "./escape.js";
import { exampleCall, exampleValue } from "./examples.js";
import type { Unformatted } from "./format.js";
import { prettierLayout } from "./markdown-layout.js";
import type { IrApi, IrObjectType, IrOperation, IrResource } from "./ir.js";

const templatesDir = new URL("../templates/", import.meta.url);

/**
 * Templates print manifest text only through these helpers, each the escaping function of one Markdown context, in
 * triple braces. A plain `{{value}}` is HTML-escaped by handlebars: a safe default for names, wrong for prose.
 */
const handlebars = Handlebars.create();
const helpers: Record<string, (text: string) => string> = {
  md: markdownInline,
  paragraph: markdownParagraph,
  codeSpan: markdownCode,
  cellCode: markdownCellCode,
  fenced: markdownFenced,
};
for (const [name, escape] of Object.entries(helpers)) handlebars.registerHelper(name, (value: unknown) => escape(String(value)));

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** A template of the core (a name in templates/) or of a capability (a URL beside it), compiled once. */
function template(name: string | URL): Handlebars.TemplateDelegate {
  const url = new URL(name, templatesDir);
  let delegate = compiled.get(url.href);
  if (!delegate) {
    delegate = handlebars.compile(readFileSync(url, "utf8"), { strict: true });
    compiled.set(url.href, delegate);
  }
  return delegate;
}

const headerTemplate = template("header.hbs");
const readmeTemplate = template("readme.md.hbs");
const referenceTemplate = template("reference.md.hbs");

export type CommentStyle = "line" | "html";

/**
 * How the output is regenerated: the options of `npm run generate` beyond its defaults (none for manifest.yaml beside
 * generated/), with paths relative to the folder that holds the output folder, so the header is the same whatever the
 * current directory or where the checkout lives.
 */
export interface Regeneration {
  options: { flag: string; path: string }[];
  /** Name of the output folder, which the options' paths are relative to the parent of. */
  outName: string;
}

const DEFAULT_REGENERATION: Regeneration = { options: [], outName: "generated" };

/** A path as one shell word: quoted only when it holds anything but the usual path characters. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** The notice at the top of every generated file. */
export function renderHeader(api: IrApi, style: CommentStyle, regeneration: Regeneration = DEFAULT_REGENERATION): string {
  const escape = style === "line" ? lineCommentText : htmlCommentText;
  // Only the paths are manifest-side text; the fixed `--` of the options is safe in an HTML comment (it cannot form
  // "-->" or "<!--" with a neighbour across the spaces).
  const options = regeneration.options.map(({ flag, path }) => `${flag} ${escape(shellWord(path))}`);
  const command = options.length === 0 ? "npm run generate" : `npm run generate -- ${options.join(" ")}`;
  const lines = headerTemplate({
    source: escape(api.source),
    title: escape(api.title),
    version: escape(api.version),
    command,
    outName: options.length === 0 ? "" : escape(regeneration.outName),
  })
    .trimEnd()
    .split("\n");
  return style === "line" ? lines.map((line) => `// ${line}`).join("\n") : `<!--\n${lines.join("\n")}\n-->`;
}

/** What reference.md says after the return type of an operation whose body is not JSON. */
const RETURNS_NOTES: Record<IrOperation["response"]["content"], string> = {
  json: "",
  binary:
    " The body's bytes, its `contentType`, and the `filename` its Content-Disposition gives (`filename*` first, never a directory part); the request sends `Accept: */*`.",
  text: " The body as text, decoded by the charset of its Content-Type (UTF-8 when none is named); the request sends `Accept: text/*`.",
};

const anchor = (op: IrOperation) => op.name.toLowerCase();

function signature(resource: IrResource, op: IrOperation): string {
  const params = op.paramsType ? `params${op.paramsRequired ? "" : "?"}: ${op.paramsType}, ` : "";
  return `client.${resource.name}.${op.name}(${params}options?: RequestOptions): ${methodReturns(op, ASYNC)}`;
}

function parameterRows(api: IrApi, op: IrOperation) {
  const row = (p: { tsName: string; wireName: string; type: IrOperation["pathParams"][number]["type"]; required: boolean; description?: string; deprecated?: boolean }, where: string) => ({
    name: p.tsName,
    wireName: p.wireName === p.tsName ? undefined : p.wireName,
    in: where,
    type: tsType(p.type),
    required: p.required,
    description: p.deprecated ? `Deprecated.${p.description ? ` ${p.description}` : ""}` : (p.description ?? ""),
  });
  const named = typeNamed(api, op.body);
  const body = named?.kind === "object" ? named : undefined;
  return [
    ...op.pathParams.map((p) => row(p, "path")),
    ...op.queryParams.map((p) => row(p, "query")),
    ...(body?.properties.map((p) => row(p, "body")) ?? []),
  ];
}

/** generated/README.md and generated/reference.md, from the IR. */
export function renderDocs(api: IrApi, regeneration: Regeneration = DEFAULT_REGENERATION): Unformatted[] {
  const header = renderHeader(api, "html", regeneration);
  const resources = api.resources.map((resource) => ({
    name: resource.name,
    description: resource.description,
    operations: resource.operations.map((op) => ({
      name: op.name,
      anchor: anchor(op),
      description: op.description,
      method: op.method,
      route: `${op.method} ${op.path}`,
      server: op.server,
      status: op.response.status,
      signature: signature(resource, op),
      params: parameterRows(api, op),
      returns: methodReturns(op, ASYNC),
      deprecated: op.deprecated === true,
      returnsNote: RETURNS_NOTES[op.response.content],
      example: exampleCall(api, resource, op),
    })),
  }));
  const first = api.resources[0]!;
  const withParams = api.resources.flatMap((r) => r.operations.map((op) => ({ r, op }))).find(({ op }) => op.pathParams.length > 0);
  const errorTarget = withParams ?? { r: first, op: first.operations[0]! };
  const common = {
    header,
    title: api.title,
    description: api.description,
    source: api.source,
    clientClassName: api.clientClassName,
    syncClientClassName: api.syncClientClassName,
    packageName: api.packageName,
    sync: api.clients.includes("sync"),
    resources,
  };
  const capabilityDocs = usedCapabilities(api).map(({ capability, ir }) => capability.docs(api, ir));
  const readme = readmeTemplate({
    ...common,
    authOptions: authOptions(api.auth, hasOfflineOption(api)).map((option) => ({ ...option, description: option.description ?? "", required: api.auth.required })),
    options: [
      ...api.servers.map((s) => ({ name: s.option, type: "string", default: valueLiteral(s.url), description: s.description ?? "" })),
      ...api.options.map((o) => ({ name: o.name, type: tsType(o.type), default: valueLiteral(o.default), description: o.description ?? "" })),
    ],
    // One call per resource: the first operation the manifest gives an example for.
    quickstart: api.resources.flatMap((r) => {
      const op = r.operations.find((o) => o.example !== undefined);
      return op ? [exampleCall(api, r, op)] : [];
    }),
    syncQuickstart: api.resources.flatMap((r) => {
      const op = r.operations.find((o) => o.example !== undefined && o.response.type !== undefined);
      return op ? [exampleCall(api, r, op, undefined, "client", SYNC)] : [];
    }).slice(0, 2),
    perRequestExample: exampleCall(api, errorTarget.r, errorTarget.op, "{ timeoutMs: 5_000, signal: controller.signal }"),
    errorExample: exampleCall(api, errorTarget.r, errorTarget.op),
    retryExample: exampleCall(api, errorTarget.r, errorTarget.op, "{ maxRetries: 0 }", "patient"),
    exampleError: (api.errors.find((e) => e.status === 404) ?? api.errors[0]!).className,
    errors: api.errors.map((error) => ({ ...error, bodyType: error.body?.type })),
    errorMessageField: api.errorBody?.messageField ?? DEFAULT_MESSAGE_FIELD,
    // Docs speak of offline mode only when the client has the option (a capability brings it).
    offline: hasOfflineOption(api),
    localWork: localWork(api),
    logCauses: ["retries", ...capabilityDocs.flatMap((docs) => docs.logCauses)].join(", "),
    capabilitySections: capabilityDocs.map((docs) => template(docs.template)({ ...common, ...docs.view })),
    capabilitySyncQuickstart: capabilityDocs.flatMap((docs) => docs.syncQuickstart),
    capabilitySyncLifecycle: capabilityDocs.flatMap((docs) => docs.syncLifecycle ?? []),
    capabilitySyncOptions: capabilityDocs.flatMap((docs) => docs.syncOptions ?? []),
    capabilityOptionRows: capabilityDocs.flatMap((docs) => docs.optionRows),
    passThroughMaps: capabilityDocs.flatMap((docs) => docs.passThroughMaps ?? []),
  });
  return [laidOut("README.md", readme), laidOut("reference.md", referenceTemplate(common))];
}

/**
 * A document laid out as prettier lays out Markdown, so that only its TypeScript blocks are formatted (prettier's
 * Markdown pass is most of the formatting of a large API's docs; test/format-docs.test.ts checks the layout is
 * prettier's); as rendered when that cannot be exact, for prettier to format whole.
 */
function laidOut(path: string, rendered: string): Unformatted {
  const text = prettierLayout(rendered);
  return text === undefined ? { path, text: rendered } : { path, text, codeBlocksOnly: true };
}
