import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { IrApi, IrAuth } from "../ir.js";
import { clientCommonOptionsTypeName, clientOptionsTypeName, syncClientCommonOptionsTypeName, syncClientOptionsTypeName } from "../naming.js";
import { TRANSPORT_OPTIONS } from "../builtin-options.js";
import { usedCapabilities } from "../capabilities/index.js";
import { hasOfflineOption } from "../capabilities/offline.js";
import { stringLiteral, valueLiteral } from "../escape.js";
import { ASYNC, FLAVOURS, SYNC, type ClientFlavour } from "../flavour.js";
import { jsDoc } from "./docs.js";
import { DEFAULT_MESSAGE_FIELD } from "./errors.js";
import { Imports, files, propertyKey } from "./layout.js";
import { tsType } from "./type-expr.js";

/** The options the core's settings take as they are: the transport's (capabilities add settings of their own). */
const CORE_SETTING_OPTIONS: ReadonlySet<string> = new Set(Object.keys(TRANSPORT_OPTIONS));

/** The client options types, the defaults taken from the manifest, what both clients build from options, and the clients. */
export function emitClient(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const optionsType = clientOptionsTypeName(api.name);
  const commonType = clientCommonOptionsTypeName(api.name);
  const syncOptionsType = syncClientOptionsTypeName(api.name);
  const syncCommonType = syncClientCommonOptionsTypeName(api.name);
  const flavours = api.clients.map((kind) => FLAVOURS[kind]);
  const imports = new Imports(files.client, runtimeEntry).runtime("checkClientOptions", "ClientSettings", ...flavours.flatMap((f) => [f.core, f.runtimeOptions]));
  imports.add(files.errors, ["errorClassesByStatus"]);
  for (const resource of api.resources) imports.add(files.resource(resource.name), flavours.map((f) => f.resourceClassName(resource)));
  const capabilities = usedCapabilities(api);
  // Options whose sync form differs (a store kept in the calling thread): redeclared on the sync options type.
  const syncProperties = capabilities.flatMap(({ capability, ir }) => capability.client.optionProperties?.(api, ir, SYNC) ?? []);
  const threadBound = syncProperties.map((p) => p.name);

  const defaults: [string, string][] = [
    ...api.servers.map((server): [string, string] => [server.option, stringLiteral(server.url)]),
    ...api.options.map((option): [string, string] => [option.name, valueLiteral(option.default)]),
    ...capabilities.flatMap(({ capability, ir }) => capability.client.defaults?.(ir) ?? []),
  ];
  const servers = api.servers.map(
    (s) => `${propertyKey(s.name)}: { option: ${JSON.stringify(s.option)}, url: options.${s.option} ?? clientDefaults.${s.option} },`,
  );
  const settings = [
    ...authSettings(api.auth),
    `servers: {\n${servers.join("\n")}\n},`,
    // A nullable option keeps an explicit null (it means "none"); others fall back to the default.
    // The core takes its own options; capabilities take theirs in their own settings functions.
    ...api.options
      .filter((o) => CORE_SETTING_OPTIONS.has(o.name))
      .map((o) =>
        o.type.nullable
          ? `${propertyKey(o.name)}: options.${o.name} === undefined ? clientDefaults.${o.name} : options.${o.name},`
          : `${propertyKey(o.name)}: options.${o.name} ?? clientDefaults.${o.name},`,
      ),
    "logger: options.logger,",
    "maxResponseBytes: options.maxResponseBytes,",
    "errorClasses: errorClassesByStatus,",
    `queryArrays: ${JSON.stringify(api.queryArrays)},`,
    ...capabilities.flatMap(({ capability, ir }) => capability.client.coreSettings?.(ir, imports) ?? []),
    ...(api.errorBody !== undefined && api.errorBody.messageField !== DEFAULT_MESSAGE_FIELD
      ? [`errorMessageField: ${stringLiteral(api.errorBody.messageField)},`]
      : []),
  ];

  const declarations = capabilities.flatMap(({ capability, ir }) => capability.client.declarations?.(api, ir, imports) ?? []);
  const shared = capabilities.flatMap(({ capability, ir }) => capability.client.shared(api, ir, imports));

  const offline = hasOfflineOption(api);
  const credentialOptions = authOptions(api.auth, offline);
  const optionProperties = [
    ...credentialOptions.map(({ name, description, remarks }) => ({ name, type: "string", hasQuestionToken: true, docs: jsDoc(description, { remarks }) })),
    ...api.servers.map((server) => ({
      name: server.option,
      type: "string",
      hasQuestionToken: true,
      docs: jsDoc(server.description, { default: stringLiteral(server.url) }),
    })),
    ...api.options.map((option) => ({
      name: option.name,
      type: tsType(option.type),
      hasQuestionToken: true,
      docs: jsDoc(option.description, { default: valueLiteral(option.default) }),
    })),
    ...capabilities.flatMap(({ capability, ir }) => capability.client.optionProperties?.(api, ir, ASYNC) ?? []),
  ];
  const required = api.auth.required ? credentialOptions.map((o) => o.name) : [];
  const credentialsType = `{ ${required.map((name) => `${name}: string`).join("; ")} }`;
  const requiredKey = required.length === 0 ? "" : offline ? ` & (${credentialsType} | { offline: true })` : ` & ${credentialsType}`;
  const unlessOffline = offline ? " unless `offline` is true" : "";
  const requiredDoc = required.length === 0 ? "." : `: ${required.map((name) => `\`${name}\``).join(" and ")} ${required.length > 1 ? "are" : "is"} required${unlessOffline}.`;
  const credentials = credentialOptions.map((o) => `${o.name}: process.env.${o.envVar}!`);
  const example = (className: string) => `\nconst client = new ${className}({ ${credentials.join(", ")} });`;

  const clientClass = (flavour: ClientFlavour): StatementStructures => {
    const parts = capabilities.map(({ capability, ir }) => capability.client.members(api, ir, imports, flavour));
    const name = flavour.clientClassName(api);
    const capabilityExamples = capabilities.map(({ capability, ir }) => capability.client.classExample?.(ir, flavour) ?? "").join("");
    const responses = flavour.kind === "sync" && api.resources.length > 0 ? syncResponsesView(api, imports) : undefined;
    const core =
      flavour.kind === "sync"
        ? `const core = new SyncClientCore(coreSettings(options), options, ${syncClientModule(api)});`
        : "const core = new ClientCore({ ...coreSettings(options), dispatcher: options.dispatcher });";
    return {
      kind: StructureKind.Class,
      name,
      isExported: true,
      docs:
        flavour.kind === "sync"
          ? jsDoc(
              `The same client as {@link ${api.clientClassName}}, for scripts and synchronous code paths: every method returns its value instead of a promise. Requests run on the same runtime in a worker thread while the calling thread waits (\`Atomics.wait\`, no busy-waiting); ${localWork(api)} need no round trip. The worker starts on the first request and never keeps the process alive.`,
              { example: example(name) + capabilityExamples },
            )
          : jsDoc(api.description ?? `Client of the ${api.title}.`, { example: example(name) + capabilityExamples }),
      properties: [
        // Resources are built on first use: a client of a large API costs the same to build as one of a small API.
        ...(api.resources.length > 0 ? [{ name: "#core", type: flavour.core, isReadonly: true }] : []),
        ...api.resources.map((resource) => ({ name: `#${resource.name}`, type: flavour.resourceClassName(resource), hasQuestionToken: true })),
        ...(responses ? [{ name: "#withResponse", type: responses.type, hasQuestionToken: true }] : []),
        ...parts.flatMap((part) => part.properties),
      ],
      getAccessors: [
        ...api.resources.map((resource) => ({
          name: resource.name,
          returnType: flavour.resourceClassName(resource),
          docs: jsDoc(resource.description),
          statements: `return (this.#${resource.name} ??= new ${flavour.resourceClassName(resource)}(this.#core));`,
        })),
        ...(responses ? [responses.getter] : []),
      ],
      ctors: [
        {
          parameters: [{ name: "options", type: flavour.optionsTypeName(api) }],
          statements: [
            // Before any option is read: `new Client(null)` must say what is wrong, not throw a TypeError.
            `checkClientOptions(${JSON.stringify(name)}, options);`,
            core,
            ...(api.resources.length > 0 ? ["this.#core = core;"] : []),
            ...capabilities.map(({ capability, ir }) => capability.client.init(ir, flavour)).filter((line) => line !== ""),
          ],
        },
      ],
      methods: parts.flatMap((part) => part.methods),
    };
  };
  const omitted = threadBound.map((name) => ` | ${JSON.stringify(name)}`).join("");
  const syncOptionTypes: StatementStructures[] = [
    {
      kind: StructureKind.Interface,
      name: syncCommonType,
      isExported: true,
      extends: [`Omit<${commonType}, keyof RuntimeOptions${omitted}>`, "SyncRuntimeOptions"],
      docs: jsDoc(
        `Options of {@link ${api.syncClientClassName}}: those of {@link ${api.clientClassName}}, with the HTTP client given as \`proxyUrl\` or \`dispatcherModule\`, which its worker thread can rebuild, instead of a dispatcher object.`,
      ),
      properties: syncProperties,
    },
    {
      kind: StructureKind.TypeAlias,
      name: syncOptionsType,
      isExported: true,
      docs: jsDoc(`Options of {@link ${api.syncClientClassName}}${requiredDoc}`),
      type: `${syncCommonType}${requiredKey}`,
    },
  ];

  // Built before the imports are printed: the members add what they use.
  const classes = flavours.map(clientClass);
  const statements: StatementStructures[] = [
    ...imports.structures(),
    ...declarations,
    {
      kind: StructureKind.Interface,
      name: commonType,
      isExported: true,
      extends: ["RuntimeOptions"],
      docs: jsDoc(`Options of {@link ${api.clientClassName}}, each with its default.`),
      properties: optionProperties,
    },
    {
      kind: StructureKind.TypeAlias,
      name: optionsType,
      isExported: true,
      docs: jsDoc(`Options of {@link ${api.clientClassName}}${requiredDoc}`),
      type: `${commonType}${requiredKey}`,
    },
    ...(api.clients.includes("sync") ? syncOptionTypes : []),
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      docs: jsDoc(`Defaults of the client options, from ${api.source}.`),
      declarations: [
        {
          name: "clientDefaults",
          initializer: `Object.freeze({\n${defaults.map(([name, value]) => `${propertyKey(name)}: ${value},`).join("\n")}\n})`,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: "coreSettings",
      docs: jsDoc(
        api.clients.includes("sync")
          ? "The settings of the runtime's core, from the options of either client (the async client adds its dispatcher)."
          : "The settings of the runtime's core, from the client's options (the client adds its dispatcher).",
      ),
      parameters: [{ name: "options", type: `Omit<${commonType}, "dispatcher"${omitted}>` }],
      returnType: "ClientSettings",
      statements: `return {\n${settings.join("\n")}\n};`,
    },
    ...shared,
    ...classes,
  ];
  return { kind: StructureKind.SourceFile, statements };
}

/** Where the sync client's worker finds the async client, and the options capabilities keep in the calling thread. */
function syncClientModule(api: IrApi): string {
  const parts = usedCapabilities(api).flatMap(({ capability }) => (capability.client.callerOptions ? [capability.client.callerOptions] : []));
  const fields = [`url: import.meta.url`, `exportName: ${JSON.stringify(api.clientClassName)}`];
  const names = parts.flatMap((part) => part.names);
  const worker = Object.assign({}, ...parts.map((part) => part.worker ?? {})) as Record<string, unknown>;
  if (names.length > 0) fields.push(`callerOptions: ${JSON.stringify(names)}`);
  if (Object.keys(worker).length > 0) fields.push(`workerOptions: ${valueLiteral(worker)}`);
  return `{ ${fields.join(", ")} }`;
}

/** What the sync client answers in the calling thread (only what the API has), as a phrase of its docs. */
export function localWork(api: IrApi): string {
  const parts = [
    "calls whose arguments or options are not objects",
    ...usedCapabilities(api).flatMap(({ capability, ir }) => capability.localWork(ir)),
  ];
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** The auth lines of `coreSettings`: where the credentials go, and which options hold them. */
function authSettings(auth: IrAuth): string[] {
  const option = (field: "secret" | "username", name: string | undefined) => [`${field}: options.${name},`, `${field}Option: ${JSON.stringify(name)},`];
  const optional = auth.required ? [] : ["authRequired: false,"];
  switch (auth.scheme) {
    case "none":
      return ['auth: { kind: "none" },'];
    case "apiKeyHeader":
      return [`auth: { kind: "header", name: ${JSON.stringify(auth.header)} },`, ...option("secret", auth.option), ...optional];
    case "bearer":
      return ['auth: { kind: "header", name: "Authorization", prefix: "Bearer " },', ...option("secret", auth.option), ...optional];
    case "apiKeyQuery":
      return [`auth: { kind: "query", name: ${JSON.stringify(auth.query)} },`, ...option("secret", auth.option), ...optional];
    case "basic":
      return ['auth: { kind: "basic" },', ...option("username", auth.usernameOption), ...option("secret", auth.option), ...optional];
  }
}

/**
 * The client options that hold credentials, documented with where they are sent, and the variable examples read.
 * `offline`: whether the client has the offline option (hasOfflineOption), which waives the credentials.
 */
export function authOptions(auth: IrAuth, offline = true): { name: string; description?: string; remarks: string; envVar: string }[] {
  const required = offline ? " Required unless `offline` is true." : " Required.";
  const when = auth.required ? required : " Optional: without it, requests carry no credentials.";
  const { description } = auth;
  switch (auth.scheme) {
    case "none":
      return [];
    case "apiKeyHeader":
      return [{ name: auth.option!, description, remarks: `Sent as the \`${auth.header}\` header.${when}`, envVar: "API_KEY" }];
    case "bearer":
      return [{ name: auth.option!, description, remarks: `Sent as the \`Authorization: Bearer <token>\` header.${when}`, envVar: "API_TOKEN" }];
    case "apiKeyQuery":
      return [{ name: auth.option!, description, remarks: `Sent as the \`${auth.query}\` query parameter.${when}`, envVar: "API_KEY" }];
    case "basic":
      return [
        { name: auth.usernameOption!, description: "User name for HTTP basic authentication.", remarks: `Sent with \`${auth.option}\` as the \`Authorization: Basic\` header.${when}`, envVar: "API_USERNAME" },
        {
          name: auth.option!,
          description: description ?? "Password for HTTP basic authentication.",
          remarks: `Sent with \`${auth.usernameOption}\` as the \`Authorization: Basic\` header.${when}`,
          envVar: "API_PASSWORD",
        },
      ];
  }
}

/**
 * The sync client's `withResponse` view: its resources, whose methods answer `{ data, response }`. (The async
 * client's calls answer an ApiPromise, whose `withResponse()` does the same.)
 */
function syncResponsesView(api: IrApi, imports: Imports) {
  imports.runtime("responsesView").runtimeTypes("ResponsesView");
  const entries = api.resources.map((resource) => [resource.name, SYNC.resourceClassName(resource)] as const);
  const type = `ResponsesView<{ ${entries.map(([name, className]) => `${name}: ${className}`).join("; ")} }>`;
  const withPath = api.resources.flatMap((resource) => resource.operations.map((op) => ({ resource, op }))).find(({ op }) => op.pathParams.length > 0);
  const { resource, op } = withPath ?? { resource: api.resources[0]!, op: api.resources[0]!.operations[0]! };
  return {
    type,
    getter: {
      name: "withResponse",
      returnType: type,
      docs: jsDoc("The same resources, whose methods answer the result beside its response: `{ data, response }`, with the response's `status`, `headers` and `requestId`.", {
        example: `\nconst { data, response } = client.withResponse.${resource.name}.${op.name}(${op.paramsType && op.paramsRequired ? "{ ... }" : ""});\nconsole.log(response.status, response.requestId);`,
      }),
      statements: `return (this.#withResponse ??= responsesView(this.#core, { ${entries.map(([name, className]) => `${name}: ${className}`).join(", ")} }));`,
    },
  };
}
