import { Scope, type ClassDeclarationStructure } from "ts-morph";
import type { IrApi, IrEvents, IrObjectType, IrProperty, IrTypeRef } from "../ir.js";
import { operationConstName } from "../naming.js";
import { jsDoc } from "./docs.js";
import { Imports, files } from "./layout.js";

type ClassParts = Pick<ClassDeclarationStructure, "properties" | "methods">;

/** How the runtime checks a field of an event body when the event is given (see runtime/events.ts, FieldRule). */
function ruleKind(api: IrApi, type: IrTypeRef): string {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "dateTime":
      return "any";
    case "list":
      return "list";
    case "map":
      return type.value.kind === "primitive" && type.value.name === "string" ? "stringMap" : "map";
    case "ref":
      return api.types.find((t) => t.name === type.name)?.kind === "enum" ? "string" : "object";
  }
}

function rules(api: IrApi, body: IrObjectType): string {
  const rule = (p: IrProperty) =>
    JSON.stringify([p.tsName, ruleKind(api, p.type), p.required, ...(p.minimum === undefined ? [] : [p.minimum])]);
  return `[${body.properties.map(rule).join(", ")}]`;
}

/** The statement that creates the EventBuffer in the client's constructor. */
export function eventBufferInit(api: IrApi, events: IrEvents): string {
  const kinds = events.kinds.map((k) => `${k.name}: { type: ${JSON.stringify(k.type)}, rules: ${rules(api, k.body)} },`);
  return `this.eventBuffer = new EventBuffer(core, {
    operation: ${operationConstName(events.operation.name)},
    batchField: ${JSON.stringify(events.batchField)},
    maxBatchSize: ${events.maxBatchSize},
    fields: ${JSON.stringify(events.fields)},
    kinds: {\n${kinds.join("\n")}\n},
  }, {
    apiKey: options.${api.auth.option},
    flushIntervalMs: options.flushIntervalMs ?? clientDefaults.flushIntervalMs,
    maxQueuedEvents: options.maxQueuedEvents ?? clientDefaults.maxQueuedEvents,
    closeTimeoutMs: options.closeTimeoutMs ?? clientDefaults.closeTimeoutMs,
    offline: options.offline ?? clientDefaults.offline,
    logger: options.logger,
    retryBaseDelayMs: options.retryBaseDelayMs ?? clientDefaults.retryBaseDelayMs,
    retryMaxDelayMs: options.retryMaxDelayMs ?? clientDefaults.retryMaxDelayMs,
  });`;
}

/** One non-blocking method per event kind, and flush, close and eventStats. */
export function eventMembers(events: IrEvents, imports: Imports, runtimeEntry: string): ClassParts {
  imports.add(runtimeEntry, ["EventBuffer"]).add(runtimeEntry, ["EventOptions", "EventStats"], true);
  imports.add(files.resource(events.resource.name), [operationConstName(events.operation.name)]);
  imports.add(files.types, events.kinds.map((k) => k.body.name), true);
  return {
    properties: [{ name: "eventBuffer", type: "EventBuffer", scope: Scope.Private, isReadonly: true }],
    methods: [
      ...events.kinds.map((kind) => ({
        name: kind.name,
        parameters: [
          { name: "body", type: kind.body.name },
          { name: "options", type: "EventOptions", hasQuestionToken: true },
        ],
        returnType: "void",
        docs: jsDoc(
          `${kind.description ?? `Records a \`${kind.type}\` event.`} Returns at once: the event is queued and sent in a batch. Throws InvalidArgumentError for a bad event, never because of the network.`,
        ),
        statements: `this.eventBuffer.add(${JSON.stringify(kind.name)}, body, options);`,
      })),
      {
        name: "flush",
        parameters: [],
        returnType: "Promise<void>",
        docs: jsDoc("Sends every queued event now; resolves when none is left queued or under way."),
        statements: "return this.eventBuffer.flush();",
      },
      {
        name: "close",
        parameters: [],
        returnType: "Promise<EventStats>",
        docs: jsDoc(
          "Stops taking events and delivers the queued ones. Resolves when every accepted event is delivered or has finally failed (bounded by `closeTimeoutMs`), with the counts.",
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
