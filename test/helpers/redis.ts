import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "redis";

/** A redis-server of the test run's own: 127.0.0.1, a free port, no persistence, a temp working dir. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL) and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that accepts connections and never answers. */
  pause(): void;
  resume(): void;
}

const STARTUP_TIMEOUT_MS = 10_000;

/** Whether `redis-server` can be run here. */
export const redisAvailable = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

/**
 * Why Redis tests cannot run, for `it(name, { skip })`: undefined when they can. Under CI a missing server fails the
 * run instead (.ci/run installs it), so that the tests never pass by being skipped.
 */
export function redisSkipReason(): string | undefined {
  if (redisAvailable) return undefined;
  if (process.env.CI) throw new Error("redis-server is not on PATH: the Redis tests need it under CI (.ci/run installs it with apt-get as root)");
  return "redis-server is not on PATH (install the redis-server package); skipped outside CI";
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), "sdk-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  try {
    await untilPing(url, child, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    stop: () =>
      (stopped ??= (async () => {
        child.kill("SIGCONT");
        child.kill("SIGTERM");
        const kill = setTimeout(() => child.kill("SIGKILL"), 3_000);
        await exited;
        clearTimeout(kill);
        await rm(dir, { recursive: true, force: true });
      })()),
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
  };
}

async function untilPing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output()}`);
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      // Not listening yet.
    } finally {
      if (client.isOpen) client.destroy();
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within ${STARTUP_TIMEOUT_MS} ms: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A port nobody listens on now (the OS picks it; redis-server binds it right after). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
