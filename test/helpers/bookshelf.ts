// The Bookshelf example API (examples/bookshelf/manifest.yaml) as a local server, and running the programs a test of its
// generated package needs (npm, tsc, node) as they would run outside this repository.
import { execFile } from "node:child_process";
import { sendJson, type RecordedRequest, type TestServer } from "./server.js";

/** The bearer token the server accepts. */
export const TOKEN = "bookshelf-test-token";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end, bounded in time; never throws for a non-zero exit. */
export function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = childEnv(), timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(Object.assign(error, { stderr }));
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/**
 * The environment without what `npm test` sets for this repository (npm_config_local_prefix, npm_package_*...):
 * npm run here must act on the folder it runs in. The cache stays, so an offline install finds undici.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || name.toLowerCase() === "npm_config_cache"));
  delete env.INIT_CWD;
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", ...extra };
}

/** Books as the API's wire holds them. */
interface ShelfBook {
  book_id: string;
  title: string;
  author: string;
  published_on?: string | null;
  pages?: number;
}

/** The Bookshelf API over a few books, with bearer auth and its error bodies. */
export function bookshelf(server: TestServer): void {
  const books = new Map<string, ShelfBook>([
    ["bk_1", { book_id: "bk_1", title: "Emma", author: "Jane Austen", published_on: "1815-12-23" }],
    ["bk_2", { book_id: "bk_2", title: "Persuasion", author: "Jane Austen", published_on: null, pages: 249 }],
    ["bk_3", { book_id: "bk_3", title: "Cranford", author: "Elizabeth Gaskell" }],
  ]);
  let lastId = 3;
  server.handle((request: RecordedRequest, response) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(response, 401, { message: "bad token", code: "unauthorized" });
    const id = /^\/books\/([^/]+)$/.exec(request.path)?.[1];
    if (request.method === "GET" && request.path === "/books") {
      const perPage = Number(request.query.get("per_page") ?? 10);
      const page = Number(request.query.get("page") ?? 1);
      return sendJson(response, 200, [...books.values()].slice((page - 1) * perPage, page * perPage));
    }
    if (request.method === "POST" && request.path === "/books") {
      const book = { book_id: `bk_${++lastId}`, ...(JSON.parse(request.body) as Omit<ShelfBook, "book_id">) };
      books.set(book.book_id, book);
      return sendJson(response, 201, book);
    }
    const book = id === undefined ? undefined : books.get(id);
    if (book === undefined) return sendJson(response, 404, { message: `no book ${id}`, code: "book_not_found" });
    if (request.method === "GET") return sendJson(response, 200, book);
    if (request.method === "PATCH") return sendJson(response, 200, Object.assign(book, JSON.parse(request.body)));
    if (request.method === "DELETE") {
      books.delete(book.book_id);
      response.writeHead(204).end();
      return;
    }
    sendJson(response, 405, { message: "not allowed", code: "method_not_allowed" });
  });
}

