// An OpenAPI document written for this test (a small library API: bearer auth, an envelope, a union, enums, dates, a
// 204 and typed errors) goes through `npm run import-openapi`, `npm run generate`, the type check, and a client run
// against a local server that checks every request on the wire.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { run } from "./helpers/bookshelf.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 120_000 };
const TOKEN = "library-token";

const DOCUMENT = `openapi: 3.0.3
info: { title: Library API, version: "3.2", description: Loans of a small library. }
servers: [{ url: "https://{region}.library.example", variables: { region: { default: eu } } }]
security: [{ bearer: [] }]
tags: [{ name: loans, description: Books lent out. }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
  responses:
    Problem:
      description: A problem.
      content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } }
  schemas:
    Problem:
      type: object
      required: [message, code]
      properties: { message: { type: string }, code: { type: string } }
    Stamp:
      type: object
      properties: { created_at: { type: string, format: date-time } }
    Loan:
      allOf:
        - $ref: "#/components/schemas/Stamp"
        - type: object
          required: [loan_id, due_on, state]
          properties:
            loan_id: { type: string }
            due_on: { type: string, format: date }
            state: { type: string, enum: [open, returned] }
            note: { type: string, nullable: true }
            borrower: { oneOf: [{ $ref: "#/components/schemas/Member" }, { $ref: "#/components/schemas/Guest" }] }
            history:
              type: array
              items:
                oneOf: [{ $ref: "#/components/schemas/Renewed" }, { $ref: "#/components/schemas/Reminded" }]
                discriminator: { propertyName: event, mapping: { renewed: "#/components/schemas/Renewed", reminded: "#/components/schemas/Reminded" } }
    Renewed:
      type: object
      required: [event, until]
      properties: { event: { type: string }, until: { type: string, format: date } }
    Reminded:
      type: object
      required: [event]
      properties: { event: { type: string }, channel: { type: string, deprecated: true } }
    Member:
      type: object
      required: [member_id]
      properties: { member_id: { type: string }, since: { type: string, format: date } }
    Guest:
      type: object
      required: [guest_name]
      properties: { guest_name: { type: string } }
paths:
  /loans:
    get:
      operationId: listLoans
      tags: [loans]
      parameters:
        - { name: state, in: query, schema: { type: string, enum: [open, returned] } }
        - { name: due_before, in: query, schema: { type: string, format: date } }
        - { name: ids, in: query, schema: { type: array, items: { type: string } } }
        - { name: filter, in: query, style: deepObject, schema: { type: object, additionalProperties: { type: string } } }
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: { type: object, required: [data], properties: { data: { type: array, items: { $ref: "#/components/schemas/Loan" } } } }
        "400": { $ref: "#/components/responses/Problem" }
    post:
      operationId: createLoan
      tags: [loans]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [due_on]
              properties: { due_on: { type: string, format: date }, member_id: { type: string } }
      responses:
        "201":
          description: Created
          content: { application/json: { schema: { type: object, required: [data], properties: { data: { $ref: "#/components/schemas/Loan" } } } } }
        "400": { $ref: "#/components/responses/Problem" }
  /loans/{loan_id}/receipt:
    get:
      operationId: getReceipt
      tags: [loans]
      parameters: [{ name: loan_id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: The receipt, content: { application/pdf: { schema: { type: string, format: binary } } } }
  /loans/{loan_id}:
    parameters: [{ name: loan_id, in: path, required: true, schema: { type: string } }]
    delete:
      operationId: deleteLoan
      tags: [loans]
      responses:
        "204": { description: Deleted }
        "404": { $ref: "#/components/responses/Problem" }
`;

const APP = `import { LibraryClient, NotFoundError, type Loan } from "./sdk/index.js";

const client = new LibraryClient({ token: ${JSON.stringify(TOKEN)}, baseUrl: process.env.LIBRARY_URL! });
const loans: Loan[] = await client.loans.listLoans({ state: "open", dueBefore: "2026-12-01", ids: ["l1", "l2"], filter: { shelf: "A&B", floor: "2" } });
const events = loans[0]!.history!.map((entry) => {
  switch (entry.event) {
    case "renewed":
      return \`renewed until \${entry.until}\`;
    case "reminded":
      return \`reminded by \${entry.channel}\`;
    default:
      return \`unknown \${entry.unknownVariant.tag}\`;
  }
});
const receipt = await client.loans.getReceipt({ loanId: "l1" });
const created = await client.loans.createLoan({ dueOn: "2026-12-24", memberId: "m1" });
await client.loans.deleteLoan({ loanId: created.loanId });
let missing = "no error";
try {
  await client.loans.deleteLoan({ loanId: "gone" });
} catch (error) {
  if (error instanceof NotFoundError && typeof error.body === "object") missing = \`\${error.statusCode} \${error.body.code} \${error.message}\`;
}
console.log(JSON.stringify({ loans, events, receipt: { bytes: [...receipt.bytes], contentType: receipt.contentType, filename: receipt.filename }, created, missing }));
`;

describe("OpenAPI in, client out: import, generate, type-check, run", () => {
  let work: string;
  let server: TestServer;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "sdk-openapi-e2e-"));
    server = await startServer((request, response) => {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(response, 401, { message: "who are you", code: "unauthorized" });
      if (request.method === "GET" && request.path === "/loans") {
        return sendJson(response, 200, {
          data: [
            {
              loan_id: "l1",
              due_on: "2026-11-30",
              state: "open",
              note: null,
              created_at: "2026-11-01T10:00:00.000Z",
              borrower: { member_id: "m1", since: "2020-01-02" },
              history: [{ event: "renewed", until: "2026-12-30" }, { event: "reminded", channel: "mail" }, { event: "lost", fee: 5 }],
            },
            { loan_id: "l2", due_on: "2026-11-29", state: "overdue", borrower: { guest_name: "Ann" } },
          ],
          params: {},
        });
      }
      if (request.method === "GET" && request.path === "/loans/l1/receipt") {
        response.writeHead(200, { "content-type": "application/pdf", "content-disposition": "attachment; filename=\"receipt-l1.pdf\"" });
        return void response.end(Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff, 0x00]));
      }
      if (request.method === "POST" && request.path === "/loans") {
        const body = JSON.parse(request.body) as Record<string, unknown>;
        return sendJson(response, 201, { data: { loan_id: "l3", state: "open", ...body } });
      }
      if (request.method === "DELETE" && request.path === "/loans/l3") return void response.writeHead(204).end();
      sendJson(response, 404, { message: `no loan ${request.path.split("/").pop()}`, code: "loan_not_found" });
    });
  });
  after(async () => {
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("every step, and the exact requests and answers", T, async () => {
    await writeFile(path.join(work, "library.yaml"), DOCUMENT);
    const manifest = path.join(work, "library-manifest.yaml");
    const importer = await run(process.execPath, ["--import", "tsx", path.join(repoRoot, "generator/import-cli.ts"), "library.yaml", "--manifest", "library-manifest.yaml", "--envelope", "data"], repoRoot, { ...process.env, INIT_CWD: work });
    assert.equal(importer.code, 0, importer.stderr + importer.stdout);
    assert.match(importer.stdout, /operations: 4 of 4 imported/);
    assert.match(importer.stdout, /server variables: 1 \(their defaults are put in the URL/);
    assert.match(await readFile(manifest, "utf8"), /^# yaml-language-server: \$schema=\S+\/generator\/manifest\.schema\.json\n/);

    const generated = await runGenerator(["--manifest", manifest, "--out", path.join(work, "sdk"), "--runtime", path.join(repoRoot, "runtime")]);
    assert.equal(generated.code, 0, generated.stderr);
    await writeFile(path.join(work, "app.ts"), APP);
    await writeFile(path.join(work, "package.json"), JSON.stringify({ type: "module", private: true }));
    const tsconfig = { compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [path.join(repoRoot, "node_modules/@types")] }, files: ["app.ts"] };
    await writeFile(path.join(work, "tsconfig.json"), JSON.stringify(tsconfig));
    const typeCheck = await run(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", work], work);
    assert.equal(typeCheck.code, 0, typeCheck.stdout + typeCheck.stderr);

    const app = await run(process.execPath, ["--import", "tsx", path.join(work, "app.ts")], repoRoot, { ...process.env, LIBRARY_URL: server.url });
    assert.equal(app.code, 0, app.stderr);
    assert.deepEqual(JSON.parse(app.stdout), {
      loans: [
        {
          loanId: "l1",
          dueOn: "2026-11-30",
          state: "open",
          note: null,
          createdAt: "2026-11-01T10:00:00.000Z",
          borrower: { memberId: "m1", since: "2020-01-02" },
          history: [{ event: "renewed", until: "2026-12-30" }, { event: "reminded", channel: "mail" }, { unknownVariant: { tag: "lost", raw: { event: "lost", fee: 5 } } }],
        },
        { loanId: "l2", dueOn: "2026-11-29", state: "overdue", borrower: { guestName: "Ann" } },
      ],
      events: ["renewed until 2026-12-30", "reminded by mail", "unknown lost"],
      receipt: { bytes: [0x25, 0x50, 0x44, 0x46, 0xff, 0x00], contentType: "application/pdf", filename: "receipt-l1.pdf" },
      created: { loanId: "l3", state: "open", dueOn: "2026-12-24" },
      missing: "404 loan_not_found DELETE /loans/gone failed with 404 Not Found: no loan gone",
    });
    assert.deepEqual(
      server.requests.map((request) => `${request.method} ${request.url} ${request.body}`),
      [
        "GET /loans?due_before=2026-12-01&filter[shelf]=A%26B&filter[floor]=2&ids=l1&ids=l2&state=open ",
        "GET /loans/l1/receipt ",
        'POST /loans {"due_on":"2026-12-24","member_id":"m1"}',
        "DELETE /loans/l3 ",
        "DELETE /loans/gone ",
      ],
    );
  });
});
