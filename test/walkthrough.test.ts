// README's "Describe your own API", followed step by step as written: its YAML blocks, in order, make the manifest
// (and are examples/bookshelf/manifest.yaml exactly), its shell commands run in the folders they name, its app runs
// against a local server answering as the Bookshelf API, and what the README says it prints is what it prints.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { TOKEN, bookshelf, childEnv, run } from "./helpers/bookshelf.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";
import { startServer, type TestServer } from "./helpers/server.js";

const SECTION = "## Describe your own API";

interface Block {
  lang: string;
  text: string;
}

/** The fenced blocks of README's walkthrough section, in order. */
async function walkthroughBlocks(): Promise<{ prose: string; blocks: Block[] }> {
  const readme = await readFile(path.join(repoRoot, "README.md"), "utf8");
  const start = readme.indexOf(`\n${SECTION}\n`);
  assert.ok(start >= 0, `README has a "${SECTION}" section`);
  const end = readme.indexOf("\n## ", start + SECTION.length + 2);
  const prose = readme.slice(start, end < 0 ? undefined : end);
  return { prose, blocks: [...prose.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, text]) => ({ lang: lang!, text: text! })) };
}

describe("README's walkthrough, followed step by step", () => {
  let work: string;
  let server: TestServer;
  const output: string[] = [];
  let manifestText = "";

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "sdk-walkthrough-"));
    server = await startServer();
    bookshelf(server);
  });
  after(async () => {
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("builds the example manifest, generates, packs, installs and runs the app", { timeout: 240_000 }, async () => {
    const { prose, blocks } = await walkthroughBlocks();
    // The folder this repository is in, for the commands typed "from this repository's folder".
    let cwd = path.join(work, "repository");
    await mkdir(cwd);
    const env = childEnv({ BOOKSHELF_TOKEN: TOKEN, BOOKSHELF_URL: server.url });
    const npm = async (args: string[]) => {
      const result = await run("npm", [...args, "--loglevel=error"], cwd, env, 180_000);
      assert.equal(result.code, 0, `npm ${args.join(" ")} in ${cwd}: ${result.stderr}`);
    };
    for (const block of blocks) {
      if (block.lang === "yaml") manifestText += block.text;
      else if (block.lang === "js") {
        assert.match(prose, /Save this as `app\.mjs`/);
        await writeFile(path.join(cwd, "app.mjs"), block.text);
      } else {
        assert.equal(block.lang, "sh");
        for (const command of block.text.trim().split("\n")) {
          const [program, ...args] = command.split(" ");
          if (command.startsWith("npm run generate -- ")) {
            const manifest = args[args.indexOf("--manifest") + 1]!;
            await mkdir(path.dirname(path.resolve(cwd, manifest)), { recursive: true });
            await writeFile(path.resolve(cwd, manifest), manifestText);
            const generated = await runGenerator(args.slice(3), 60_000, process.env, cwd);
            assert.equal(generated.code, 0, generated.stderr);
          } else if (program === "cd") cwd = path.resolve(cwd, args[0]!);
          else if (program === "mkdir") await mkdir(path.resolve(cwd, args[0]!));
          // The only change to the commands: packages come from npm's cache when they are there.
          else if (program === "npm" && args[0] === "install") await npm([...args, "--prefer-offline", "--no-audit", "--no-fund"]);
          else if (program === "npm" && ["pack", "init", "pkg"].includes(args[0]!)) await npm(args);
          else if (program === "node") {
            const result = await run(process.execPath, args, cwd, env);
            assert.equal(result.code, 0, result.stderr);
            output.push(...result.stdout.trim().split("\n"));
          } else assert.fail(`the walkthrough has a command this test does not know: ${command}`);
        }
      }
    }
    assert.equal(manifestText, await readFile(path.join(repoRoot, "examples/bookshelf/manifest.yaml"), "utf8"), "the steps make the example manifest");
    assert.ok((await readdir(path.join(work, "bookshelf-sdk"))).includes("bookshelf-sdk-0.1.0.tgz"), "npm pack made the tarball the README installs");

    // What the app prints, and what the README says it prints.
    assert.deepEqual(output, ['[ \'Emma\', \'Persuasion\', \'Cranford\' ]', "404 book_not_found GET /books/bk_4 failed with 404 Not Found: no book bk_4"]);
    assert.ok(prose.includes(`\`${output[1]}\``), "the README quotes the error line the app prints");
    assert.deepEqual(
      server.requests.map((request) => `${request.method} ${request.url}`),
      ["GET /books?page=1&per_page=20", "POST /books", "PATCH /books/bk_4", "DELETE /books/bk_4", "GET /books/bk_4"],
    );
  });
});
