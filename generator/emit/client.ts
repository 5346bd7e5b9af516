import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { IrApi, IrAuth } from "../ir.js";
import { clientCommonOptionsTypeName, clientOptionsTypeName, syncClientCommonOptionsTypeName, syncClientOptionsTypeName } from "../naming.js";
import { TRANSPORT_OPTIONS } from "../builtin-options.js";
import { hasOfflineOption } from "../runtime-contract.js";
import { stringLiteral, valueLiteral } from "../escape.js";
import { jsDoc } from "./docs.js";
import { DEFAULT_MESSAGE_FIELD } from "./errors.js";
import { eventBufferInit, eventMembers, eventShared } from "./events.js";
import { flagCheckMembers, flagCheckShared, flagCheckTypes, flagCheckerInit } from "./flag-checks.js";
import { Imports, files, propertyKey } from "./layout.js";
import { tsType } from "./type-expr.js";

/** The client options types, the defaults taken from the manifest, what both clients build from options, and the two clients. */
export function emitClient(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const optionsType = clientOptionsTypeName(api.name);
  const commonType = clientCommonOptionsTypeName(api.name);
  const syncOptionsType = syncClientOptionsTypeName(api.name);
  const syncCommonType = syncClientCommonOptionsTypeName(api.name);
  const imports = new Imports(files.client)
    .add(runtimeEntry, ["ClientCore", "SyncClientCore", "checkClientOptions"])
    .add(runtimeEntry, ["ClientSettings", "RuntimeOptions", "SyncRuntimeOptions"], true)
    .add(files.errors, ["errorClassesByStatus"]);
  for (const resource of api.resources) imports.add(files.resource(resource.name), [resource.className, resource.syncClassName]);
  const checks = api.flagChecks;
  const events = api.events;

  const defaults: [string, string][] = [
    ...api.servers.map((server): [string, string] => [server.option, stringLiteral(server.url)]),
    ...api.options.map((option): [string, string] => [option.name, valueLiteral(option.default)]),
    ...(checks ? [["cache", JSON.stringify(checks.cache)] as [string, string]] : []),
  ];
  const servers = api.servers.map(
    (s) => `${propertyKey(s.name)}: { option: ${JSON.stringify(s.option)}, url: options.${s.option} ?? clientDefaults.${s.option} },`,
  );
  const settings = [
    ...authSettings(api.auth),
    `servers: {\n${servers.join("\n")}\n},`,
    // A nullable option keeps an explicit null (it means "none"); others fall back to the default.
    // The core takes its own options; flag checks and events take theirs from their own functions.
    ...api.options
      .filter((o) => Object.hasOwn(TRANSPORT_OPTIONS, o.name) || o.name === "offline")
      .map((o) =>
        o.type.nullable
          ? `${propertyKey(o.name)}: options.${o.name} === undefined ? clientDefaults.${o.name} : options.${o.name},`
          : `${propertyKey(o.name)}: options.${o.name} ?? clientDefaults.${o.name},`,
      ),
    "logger: options.logger,",
    "maxResponseBytes: options.maxResponseBytes,",
    "errorClasses: errorClassesByStatus,",
    `queryArrays: ${JSON.stringify(api.queryArrays)},`,
    ...(api.errorBody !== undefined && api.errorBody.messageField !== DEFAULT_MESSAGE_FIELD
      ? [`errorMessageField: ${stringLiteral(api.errorBody.messageField)},`]
      : []),
  ];

  const flagTypes = checks ? flagCheckTypes(checks, imports, runtimeEntry) : [];
  if (checks) imports.add(runtimeEntry, ["FlagCacheOption"], true);
  const shared = [...(checks ? flagCheckShared(api, checks, imports, runtimeEntry) : []), ...(events ? eventShared(api, events, imports, runtimeEntry) : [])];

  const cacheProperty = (sync: boolean) => ({
    name: "cache",
    type: `FlagCacheOption<${checks!.resultType}>`,
    hasQuestionToken: true,
    docs: jsDoc(
      sync
        ? "Cache of flag-check results, kept in the calling thread: sizes for the built-in LRU cache (`maxSize` 0 disables it), a `CacheProvider` of your own whose methods answer synchronously, or false for none."
        : "Cache of flag-check results: sizes for the built-in LRU cache (`maxSize` 0 disables it), a `CacheProvider` of your own, or false for none.",
      { default: JSON.stringify(checks!.cache) },
    ),
  });
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
    ...(checks ? [cacheProperty(false)] : []),
  ];
  const required = api.auth.required ? credentialOptions.map((o) => o.name) : [];
  const credentialsType = `{ ${required.map((name) => `${name}: string`).join("; ")} }`;
  const requiredKey = required.length === 0 ? "" : offline ? ` & (${credentialsType} | { offline: true })` : ` & ${credentialsType}`;
  const unlessOffline = offline ? " unless `offline` is true" : "";
  const requiredDoc = required.length === 0 ? "." : `: ${required.map((name) => `\`${name}\``).join(" and ")} ${required.length > 1 ? "are" : "is"} required${unlessOffline}.`;
  const credentials = credentialOptions.map((o) => `${o.name}: process.env.${o.envVar}!`);
  const example = (className: string) => `\nconst client = new ${className}({ ${credentials.join(", ")} });`;

  const clientClass = (sync: boolean): StatementStructures => {
    const flagParts = checks ? flagCheckMembers(api, checks, imports, runtimeEntry, sync) : { properties: [], methods: [] };
    const eventParts = events ? eventMembers(events, imports, runtimeEntry, sync) : { properties: [], methods: [] };
    const name = sync ? api.syncClientClassName : api.clientClassName;
    const flagExample = checks
      ? `\nconst on = client.checkFlag("new-dashboard", { ${checks.contextFields[0]!.tsName}: { id: "co_123" } }); // a boolean, no await`
      : "";
    const core = sync
      ? `const core = new SyncClientCore(coreSettings(options), options, { url: import.meta.url, exportName: ${JSON.stringify(api.clientClassName)} });`
      : "const core = new ClientCore({ ...coreSettings(options), dispatcher: options.dispatcher });";
    return {
      kind: StructureKind.Class,
      name,
      isExported: true,
      docs: sync
        ? jsDoc(
            `The same client as {@link ${api.clientClassName}}, for scripts and synchronous code paths: every method returns its value instead of a promise. Requests run on the same runtime in a worker thread while the calling thread waits (\`Atomics.wait\`, no busy-waiting)${localWork(api)}. The worker starts on the first request and never keeps the process alive.`,
            { example: example(name) + flagExample },
          )
        : jsDoc(api.description ?? `Client of the ${api.title}.`, {
            example: example(name),
          }),
      properties: [
        ...api.resources.map((resource) => ({
          name: resource.name,
          type: sync ? resource.syncClassName : resource.className,
          isReadonly: true,
          docs: jsDoc(resource.description),
        })),
        ...(flagParts.properties ?? []),
        ...(eventParts.properties ?? []),
      ],
      ctors: [
        {
          parameters: [{ name: "options", type: sync ? syncOptionsType : optionsType }],
          statements: [
            // Before any option is read: `new Client(null)` must say what is wrong, not throw a TypeError.
            `checkClientOptions(${JSON.stringify(name)}, options);`,
            core,
            ...api.resources.map((resource) => `this.${resource.name} = new ${sync ? resource.syncClassName : resource.className}(core);`),
            ...(checks ? [flagCheckerInit(checks, sync)] : []),
            ...(events ? [eventBufferInit(sync)] : []),
          ],
        },
      ],
      methods: [...(flagParts.methods ?? []), ...(eventParts.methods ?? [])],
    };
  };
  const classes = [clientClass(false), clientClass(true)];

  const statements: StatementStructures[] = [
    ...imports.structures(),
    ...flagTypes,
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
    {
      kind: StructureKind.Interface,
      name: syncCommonType,
      isExported: true,
      extends: [`Omit<${commonType}, keyof RuntimeOptions${checks ? ' | "cache"' : ""}>`, "SyncRuntimeOptions"],
      docs: jsDoc(
        `Options of {@link ${api.syncClientClassName}}: those of {@link ${api.clientClassName}}, with the HTTP client given as \`proxyUrl\` or \`dispatcherModule\`, which its worker thread can rebuild, instead of a dispatcher object.`,
      ),
      properties: checks ? [cacheProperty(true)] : [],
    },
    {
      kind: StructureKind.TypeAlias,
      name: syncOptionsType,
      isExported: true,
      docs: jsDoc(`Options of {@link ${api.syncClientClassName}}${requiredDoc}`),
      type: `${syncCommonType}${requiredKey}`,
    },
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
      docs: jsDoc("The settings of the runtime's core, from the options of either client (the async client adds its dispatcher)."),
      parameters: [{ name: "options", type: `Omit<${commonType}, "dispatcher"${checks ? ' | "cache"' : ""}>` }],
      returnType: "ClientSettings",
      statements: `return {\n${settings.join("\n")}\n};`,
    },
    ...shared,
    ...classes,
  ];
  return { kind: StructureKind.SourceFile, statements };
}

/** What the sync client answers in the calling thread, as a clause of its doc comment (only what the API has). */
function localWork(api: IrApi): string {
  const parts = [
    ...(api.flagChecks ? ["cache hits"] : []),
    ...(hasOfflineOption(api) ? ["offline answers"] : []),
    ...(api.flagChecks ? ["flag defaults"] : []),
    ...(api.events ? ["queuing events"] : []),
    "argument checks",
  ];
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `; ${list} need no round trip`;
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
