import { StructureKind, VariableDeclarationKind, type SourceFileStructure } from "ts-morph";
import { jsDoc } from "../../emit/docs.js";
import { Imports, files } from "../../emit/layout.js";
import { stringLiteral } from "../../escape.js";
import type { IrApi } from "../../ir.js";
import { codecName } from "../../naming.js";
import type { ClientEmitter, StandaloneFile } from "../capability.js";
import type { IrWebhooks } from "./types.js";

/** The generated file of the webhook functions, re-exported from the package's entry. */
export const WEBHOOKS_FILE = "webhooks.ts";

const THROWS =
  "Throws WebhookHeaderMissingError (a header is absent), WebhookSignatureError (the signature does not match), WebhookTimestampError (the timestamp is unreadable or outside the tolerance) or WebhookPayloadError (the body is not a JSON object or does not decode); InvalidArgumentError for an empty secret or bad options.";

/** verifyWebhook and verifyWebhookRequest: standalone functions, since verifying needs no client. */
function standalone(_api: IrApi, webhooks: IrWebhooks, runtimeEntry: string): StandaloneFile[] {
  const event = webhooks.eventType;
  const imports = new Imports(WEBHOOKS_FILE, runtimeEntry).runtime(
    "verifyWebhookBody",
    "verifyWebhookStream",
    "WebhookHeaders",
    "WebhookRequestOptions",
    "WebhookSpec",
    "WebhookVerifyOptions",
  );
  imports.add(files.clientCodecs, [codecName(event)]);
  imports.add(files.types, [event], true);
  const structure: SourceFileStructure = {
    kind: StructureKind.SourceFile,
    statements: [
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: "node:http", isTypeOnly: true, namedImports: ["IncomingMessage"] },
      ...imports.structures(),
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        docs: jsDoc("How the service signs the webhook requests it sends."),
        declarations: [
          {
            name: "webhookSpec",
            type: "WebhookSpec",
            initializer: `{
              signatureHeader: ${stringLiteral(webhooks.signatureHeader)},
              timestampHeader: ${stringLiteral(webhooks.timestampHeader)},
              scheme: ${stringLiteral(webhooks.scheme)},
              toleranceMs: ${webhooks.toleranceMs},
            }`,
          },
        ],
      },
      {
        kind: StructureKind.Function,
        name: "verifyWebhook",
        isExported: true,
        docs: jsDoc(
          `Verifies a webhook request from its raw body (exactly as received, before any JSON parsing) and its headers, and returns its body as a \`${event}\`. The \`${webhooks.signatureHeader}\` header must be the HMAC-SHA256 (hex) of the body, "+" and the \`${webhooks.timestampHeader}\` header, keyed by \`secret\`, and the timestamp within \`toleranceMs\` of now. ${THROWS}`,
        ),
        parameters: [
          { name: "rawBody", type: "string | Uint8Array" },
          { name: "headers", type: "WebhookHeaders" },
          { name: "secret", type: "string" },
          { name: "options", type: "WebhookVerifyOptions", hasQuestionToken: true },
        ],
        returnType: event,
        statements: `return verifyWebhookBody(webhookSpec, ${codecName(event)}, rawBody, headers, secret, options);`,
      },
      {
        kind: StructureKind.Function,
        name: "verifyWebhookRequest",
        isExported: true,
        docs: jsDoc(
          `Reads the body of a Node request (at most \`maxBodyBytes\`, 1 MiB by default; the request must not have been read by a body parser) and verifies it as {@link verifyWebhook} does. Rejects with WebhookPayloadError when the body is too large or the request is aborted.`,
        ),
        parameters: [
          { name: "request", type: "IncomingMessage" },
          { name: "secret", type: "string" },
          { name: "options", type: "WebhookRequestOptions", hasQuestionToken: true },
        ],
        returnType: `Promise<${event}>`,
        statements: `return verifyWebhookStream(webhookSpec, ${codecName(event)}, request, secret, options);`,
      },
    ],
  };
  return [{ path: WEBHOOKS_FILE, structure, exports: ["verifyWebhook", "verifyWebhookRequest"] }];
}

/** Nothing on the clients: verifying a webhook needs no client (the constructor line is empty, and dropped when formatted). */
export const webhookClient: ClientEmitter<IrWebhooks> = {
  shared: () => [],
  members: () => ({ properties: [], methods: [] }),
  init: () => "",
};

export const webhookStandalone = standalone;
