import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { IrApi } from "../ir.js";
import { clientCommonOptionsTypeName, clientOptionsTypeName } from "../naming.js";
import { REQUIRED_OPTIONS, RUNTIME_OPTIONS } from "../runtime-contract.js";
import { jsDoc } from "./docs.js";
import { eventBufferInit, eventMembers } from "./events.js";
import { flagCheckMembers, flagCheckTypes, flagCheckerInit } from "./flag-checks.js";
import { Imports, files, propertyKey } from "./layout.js";
import { tsType } from "./type-expr.js";

/** The client options type, the defaults taken from the manifest, and the client class. */
export function emitClient(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const optionsType = clientOptionsTypeName(api.name);
  const commonType = clientCommonOptionsTypeName(api.name);
  const imports = new Imports(files.client)
    .add(runtimeEntry, ["ClientCore"])
    .add(runtimeEntry, ["RuntimeOptions"], true)
    .add(files.errors, ["errorClassesByStatus"]);
  for (const resource of api.resources) imports.add(files.resource(resource.name), [resource.className]);
  const checks = api.flagChecks;

  const defaults: [string, string][] = [
    ...api.servers.map((server): [string, string] => [server.option, JSON.stringify(server.url)]),
    ...api.options.map((option): [string, string] => [option.name, JSON.stringify(option.default)]),
    ...(checks ? [["cache", JSON.stringify(checks.cache)] as [string, string]] : []),
  ];
  const servers = api.servers.map(
    (s) => `${propertyKey(s.name)}: { option: ${JSON.stringify(s.option)}, url: options.${s.option} ?? clientDefaults.${s.option} },`,
  );
  const settings = [
    `apiKey: options.${api.auth.option},`,
    `apiKeyOption: ${JSON.stringify(api.auth.option)},`,
    `authHeader: ${JSON.stringify(api.auth.header)},`,
    `servers: {\n${servers.join("\n")}\n},`,
    // A nullable option keeps an explicit null (it means "none"); others fall back to the default.
    // The core takes its own options; flag checks and events take theirs below.
    ...api.options
      .filter((o) => Object.hasOwn(REQUIRED_OPTIONS, o.name))
      .map((o) =>
        o.type.nullable
          ? `${propertyKey(o.name)}: options.${o.name} === undefined ? clientDefaults.${o.name} : options.${o.name},`
          : `${propertyKey(o.name)}: options.${o.name} ?? clientDefaults.${o.name},`,
      ),
    ...RUNTIME_OPTIONS.map((name) => `${name}: options.${name},`),
    "errorClasses: errorClassesByStatus,",
    `queryArrays: ${JSON.stringify(api.queryArrays)},`,
  ];

  const flagParts = checks ? flagCheckMembers(api, checks, imports, runtimeEntry) : { properties: [], methods: [] };
  const eventParts = api.events ? eventMembers(api.events, imports, runtimeEntry) : { properties: [], methods: [] };
  const flagTypes = checks ? flagCheckTypes(checks, imports, runtimeEntry) : [];
  if (checks) imports.add(runtimeEntry, ["FlagCacheOption"], true);

  const optionProperties = [
    {
      name: api.auth.option,
      type: "string",
      hasQuestionToken: true,
      docs: jsDoc(api.auth.description, { remarks: `Sent as the \`${api.auth.header}\` header. Required unless \`offline\` is true.` }),
    },
    ...api.servers.map((server) => ({
      name: server.option,
      type: "string",
      hasQuestionToken: true,
      docs: jsDoc(server.description, { default: JSON.stringify(server.url) }),
    })),
    ...api.options.map((option) => ({
      name: option.name,
      type: tsType(option.type),
      hasQuestionToken: true,
      docs: jsDoc(option.description, { default: JSON.stringify(option.default) }),
    })),
    ...(checks
      ? [
          {
            name: "cache",
            type: `FlagCacheOption<${checks.resultType}>`,
            hasQuestionToken: true,
            docs: jsDoc(
              "Cache of flag-check results: sizes for the built-in LRU cache (`maxSize` 0 disables it), a `CacheProvider` of your own, or false for none.",
              { default: JSON.stringify(checks.cache) },
            ),
          },
        ]
      : []),
  ];

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
      docs: jsDoc(`Options of {@link ${api.clientClassName}}: \`${api.auth.option}\` is required unless \`offline\` is true.`),
      type: `${commonType} & ({ ${api.auth.option}: string } | { offline: true })`,
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
      kind: StructureKind.Class,
      name: api.clientClassName,
      isExported: true,
      docs: jsDoc(api.description ?? `Client of the ${api.title}.`, {
        example: `\nconst client = new ${api.clientClassName}({ ${api.auth.option}: process.env.API_KEY! });`,
      }),
      properties: [
        ...api.resources.map((resource) => ({
          name: resource.name,
          type: resource.className,
          isReadonly: true,
          docs: jsDoc(resource.description),
        })),
        ...(flagParts.properties ?? []),
        ...(eventParts.properties ?? []),
      ],
      ctors: [
        {
          parameters: [{ name: "options", type: optionsType }],
          statements: [
            `const core = new ClientCore({\n${settings.join("\n")}\n});`,
            ...api.resources.map((resource) => `this.${resource.name} = new ${resource.className}(core);`),
            ...(checks ? [flagCheckerInit(checks)] : []),
            ...(api.events ? [eventBufferInit(api, api.events)] : []),
          ],
        },
      ],
      methods: [...(flagParts.methods ?? []), ...(eventParts.methods ?? [])],
    },
  ];
  return { kind: StructureKind.SourceFile, statements };
}
