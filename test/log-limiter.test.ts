import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { LogLimiter, MAX_LOG_LINE_CHARS, truncate } from "../runtime/log-limiter.js";
import { sleep } from "../runtime/retry.js";
import { repoRoot } from "./helpers/cli.js";

const T = { timeout: 20_000 };

/** A logger that records what it is given, per level. */
function recorder() {
  const lines: string[] = [];
  const logger = {
    warn: (line: string) => void lines.push(`warn ${line}`),
    error: (line: string) => void lines.push(`error ${line}`),
  };
  return { lines, logger };
}

describe("LogLimiter", () => {
  it("writes the first line of a cause, counts the rest, and writes the count when the interval ends", T, async () => {
    const { lines, logger } = recorder();
    const limiter = new LogLimiter(logger, 100);
    for (let i = 0; i < 5; i++) limiter.warn("flag check fallback", `check ${i} failed`);
    assert.deepStrictEqual(lines, ["warn check 0 failed"]);
    await sleep(400);
    assert.deepStrictEqual(lines, ["warn check 0 failed", "warn flag check fallback: 4 more similar messages suppressed in the last 100 ms"]);
    limiter.warn("flag check fallback", "check 5 failed");
    assert.equal(lines.at(-1), "warn check 5 failed", "a new interval starts with a full line");
  });

  it("keeps causes apart, writes each at its own level, and says 'message' for one", T, () => {
    let now = 0;
    const { lines, logger } = recorder();
    const limiter = new LogLimiter(logger, 60_000, () => now);
    limiter.warn("a", "a 1");
    limiter.error("b", "b 1");
    limiter.warn("a", "a 2");
    assert.deepStrictEqual(lines, ["warn a 1", "error b 1"]);
    now = 60_000;
    limiter.warn("a", "a 3");
    assert.deepStrictEqual(lines, ["warn a 1", "error b 1", "warn a: 1 more similar message suppressed in the last 60 s", "warn a 3"]);
    limiter.error("b", "b 2");
    assert.equal(lines.at(-1), "error b 2", "an interval without suppressed lines ends without a summary");
    assert.equal(lines.length, 5);
  });

  it("cuts long lines, saying how much was left out", T, () => {
    const { lines, logger } = recorder();
    const limiter = new LogLimiter(logger);
    const huge = "x".repeat(1024 * 1024);
    limiter.warn("huge", `flag "${huge}" failed`);
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.length < MAX_LOG_LINE_CHARS + 100, `a line of ${lines[0]!.length} characters`);
    assert.match(lines[0]!, /… \(1047590 more characters\)$/);
    assert.equal(truncate("short"), "short");
    assert.equal(truncate("abcdef", 3), "abc… (3 more characters)");
    assert.equal(truncate("x".repeat(MAX_LOG_LINE_CHARS)), "x".repeat(MAX_LOG_LINE_CHARS), "a line of exactly the limit is kept whole");
  });

  it("a logger that throws, or has no method for the level, breaks nothing", T, () => {
    const throwing = new LogLimiter({
      warn: () => {
        throw new Error("logger down");
      },
    });
    assert.doesNotThrow(() => throwing.warn("c", "line"));
    const silent = new LogLimiter({ info: () => assert.fail("written at the wrong level") });
    assert.doesNotThrow(() => silent.error("c", "line"));
    assert.doesNotThrow(() => new LogLimiter(undefined).warn("c", "line"));
  });

  it("its summary timers never keep the process alive", T, async () => {
    const module = pathToFileURL(`${repoRoot}/runtime/log-limiter.ts`).href;
    const script = `
      const { LogLimiter } = await import(${JSON.stringify(module)});
      const limiter = new LogLimiter({ warn: (line) => console.log(line) }, 60_000);
      limiter.warn("cause", "first");
      limiter.warn("cause", "second, counted: arms the summary timer");
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repoRoot, timeout: 15_000 });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const code = await new Promise((resolve) => child.on("close", resolve));
    assert.equal(code, 0);
    assert.equal(stdout, "first\n");
    assert.ok(Date.now() - started < 10_000, `the process took ${Date.now() - started} ms to exit`);
  });
});
