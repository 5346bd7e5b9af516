import { Scope, StructureKind, VariableDeclarationKind, type StatementStructures } from "ts-morph";
import { jsDoc } from "../../emit/docs.js";
import { type Imports, files } from "../../emit/layout.js";
import { typeNamed } from "../../emit/type-expr.js";
import { stringLiteral } from "../../escape.js";
import type { ClientFlavour } from "../../flavour.js";
import type { IrApi, IrObjectType, IrProperty, IrTypeRef } from "../../ir.js";
import { clientCommonOptionsTypeName, operationConstName } from "../../naming.js";
import type { ClassParts, ClientEmitter } from "../capability.js";
import { hasOfflineOption } from "../offline.js";
import type { IrEvents } from "./types.js";

/** How the runtime checks a field of an event body when the event is given (see runtime/events.ts, FieldRule). */
function ruleKind(api: IrApi, type: IrTypeRef): string {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "dateTime":
      return "any";
    case "date":
      return "string";
    case "list":
      return "list";
    case "map":
      return type.value.kind === "primitive" && type.value.name === "string" ? "stringMap" : "map";
    case "ref":
      return typeNamed(api, type.name)?.kind === "enum" ? "string" : "object";
  }
}

function rules(api: IrApi, body: IrObjectType): string {
  const rule = (p: IrProperty) =>
    JSON.stringify([p.tsName, ruleKind(api, p.type), p.required, ...(p.minimum === undefined ? [] : [p.minimum])]);
  return `[${body.properties.map(rule).join(", ")}]`;
}

/** The spec of events and the settings both clients build from their options, declared once beside them. */
function shared(api: IrApi, events: IrEvents, imports: Imports): StatementStructures[] {
  imports.runtime("EventSpec", "EventSettings");
  imports.add(files.resource(events.resource.name), [operationConstName(events.operation.name)]);
  const kinds = events.kinds.map((k) => `${k.name}: { type: ${stringLiteral(k.type)}, rules: ${rules(api, k.body)} },`);
  const auth = api.auth.option;
  const offline = hasOfflineOption(api);
  return [
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      docs: jsDoc(`How events map onto \`${events.resource.name}.${events.operation.name}\`, and how each kind of event is checked.`),
      declarations: [
        {
          name: "eventSpec",
          type: "EventSpec",
          initializer: `{
            operation: ${operationConstName(events.operation.name)},
            batchField: ${JSON.stringify(events.batchField)},
            maxBatchSize: ${events.maxBatchSize},
            fields: ${JSON.stringify(events.fields)},
            kinds: {\n${kinds.join("\n")}\n},
          }`,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: "eventSettings",
      parameters: [
        {
          name: "options",
          type: `Pick<${clientCommonOptionsTypeName(api.name)}, ${[auth, "flushIntervalMs", "maxQueuedEvents", "closeTimeoutMs", "closeOnSignals", ...(offline ? ["offline"] : []), "logger", "retryBaseDelayMs", "retryMaxDelayMs"].map((name) => JSON.stringify(name)).join(" | ")}>`,
        },
      ],
      returnType: "EventSettings",
      statements: `return {
        apiKey: options.${auth},
        flushIntervalMs: options.flushIntervalMs ?? clientDefaults.flushIntervalMs,
        maxQueuedEvents: options.maxQueuedEvents ?? clientDefaults.maxQueuedEvents,
        closeTimeoutMs: options.closeTimeoutMs ?? clientDefaults.closeTimeoutMs,
        closeOnSignals: options.closeOnSignals ?? clientDefaults.closeOnSignals,
        offline: ${offline ? "options.offline ?? clientDefaults.offline" : "false"},
        logger: options.logger,
        retryBaseDelayMs: options.retryBaseDelayMs ?? clientDefaults.retryBaseDelayMs,
        retryMaxDelayMs: options.retryMaxDelayMs ?? clientDefaults.retryMaxDelayMs,
      };`,
    },
  ];
}

/** The statement that creates the event queue in a client's constructor: an EventBuffer, or for the sync client SyncEvents, which feeds the EventBuffer of its worker. */
function init(_events: IrEvents, flavour: ClientFlavour): string {
  return flavour.kind === "sync"
    ? "this.eventBuffer = new SyncEvents(core.bridge, eventSpec, eventSettings(options));"
    : "this.eventBuffer = new EventBuffer(core, eventSpec, eventSettings(options));";
}

/** One non-blocking method per event kind, and flush, close and eventStats. */
function members(_api: IrApi, events: IrEvents, imports: Imports, flavour: ClientFlavour): ClassParts {
  const queue = QUEUES[flavour.kind];
  imports.runtime(queue, "EventOptions", "EventStats");
  imports.add(files.types, events.kinds.map((k) => k.body.name), true);
  const handedOver = flavour.kind === "sync" ? "handed to the worker thread without waiting for it, queued there and sent in a batch" : "queued and sent in a batch";
  return {
    properties: [{ name: "eventBuffer", type: queue, scope: Scope.Private, isReadonly: true }],
    methods: [
      ...events.kinds.map((kind) => ({
        name: kind.name,
        parameters: [
          { name: "body", type: kind.body.name },
          { name: "options", type: "EventOptions", hasQuestionToken: true },
        ],
        returnType: "void",
        docs: jsDoc(
          `${kind.description ?? `Records a \`${kind.type}\` event.`} Returns at once: the event is ${handedOver}. Throws InvalidArgumentError for a bad event, never because of the network.`,
        ),
        statements: `this.eventBuffer.add(${JSON.stringify(kind.name)}, body, options);`,
      })),
      {
        name: "flush",
        parameters: [],
        returnType: flavour.returns("void"),
        docs: jsDoc(`Sends every queued event now; ${flavour.settles} when none is left queued or under way.`),
        statements: "return this.eventBuffer.flush();",
      },
      {
        name: "close",
        parameters: [],
        returnType: flavour.returns("EventStats"),
        docs: jsDoc(
          `Stops taking events and delivers the queued ones. ${flavour.settles === "returns" ? "Returns" : "Resolves"} when every accepted event is delivered or has finally failed (bounded by \`closeTimeoutMs\`), with the counts.`,
        ),
        statements: "return this.eventBuffer.close();",
      },
      {
        name: "eventStats",
        parameters: [],
        returnType: "EventStats",
        docs: jsDoc("How many events were accepted, delivered, retried, dropped and failed, and how many are pending."),
        statements: "return this.eventBuffer.stats();",
      },
    ],
  };
}

/** The queue each flavour's client holds: the sync client's SyncEvents feeds the EventBuffer of its worker. */
const QUEUES = { async: "EventBuffer", sync: "SyncEvents" } as const;

// Signals reach the sync client's calling thread, where its event queue handles them; the worker must not.
export const eventClient: ClientEmitter<IrEvents> = { shared, members, init, callerOptions: { names: ["closeOnSignals"] } };
