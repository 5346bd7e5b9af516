// Scenarios of the sync client that need code of their own in its thread (test/sync.test.ts): each one is a plain
// synchronous function that takes plain data and returns plain data.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import {
  InvalidArgumentError,
  SchematicSyncClient,
  type CacheProvider,
  type FlagCheckResult,
  type SchematicSyncClientOptions,
} from "../../generated/index.js";

const DISPATCHER_MODULE = fileURLToPath(new URL("../helpers/dispatcher-module.ts", import.meta.url));

function client(baseUrl: string, options: Partial<SchematicSyncClientOptions> = {}) {
  return new SchematicSyncClient({ apiKey: "sch_scenario", baseUrl, eventCaptureBaseUrl: baseUrl, retryBaseDelayMs: 5, retryMaxDelayMs: 10, ...options } as SchematicSyncClientOptions);
}

function errorOf(call: () => unknown): { name: string; message: string; invalidArgument: boolean } | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message, invalidArgument: error instanceof InvalidArgumentError };
  }
}

/** Counts worker starts through the dispatcher module, which each new worker loads once. */
export function workerStarts(baseUrl: string) {
  const folder = mkdtempSync(path.join(tmpdir(), "sync-starts-"));
  const marker = path.join(folder, "starts");
  process.env.SYNC_WORKER_STARTS_FILE = marker;
  const starts = () => {
    try {
      return readFileSync(marker, "utf8").split("\n").filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  try {
    const gold = { company: { id: "co_1", plan: "gold" } };
    const sdk = client(baseUrl, { dispatcherModule: DISPATCHER_MODULE, flagDefaults: { offline: true } });
    const atConstruction = starts();
    const badInput = errorOf(() => sdk.checkFlag("", gold));
    sdk.setFlagDefault("f", false);
    const beforeFirstRequest = starts();
    const first = sdk.checkFlag("f", gold);
    const afterFirstRequest = starts();
    const stats = sdk.close(); // stops the worker
    const hits = Array.from({ length: 100 }, () => sdk.checkFlag("f", gold));
    const withEntitlement = sdk.checkFlagWithEntitlement("f", gold);
    sdk.track({ event: "after-close" }); // dropped in this thread
    const afterHits = starts();
    const miss = sdk.checkFlag("g", gold);
    const afterMiss = starts();

    const offline = new SchematicSyncClient({ offline: true, dispatcherModule: DISPATCHER_MODULE, flagDefaults: { f: true } });
    const offlineAnswers = [offline.checkFlag("f", gold), offline.checkFlagWithEntitlement("f").fallback];
    offline.track({ event: "x" });
    offline.identify({ keys: { id: "u_1" } });
    const offlineError = errorOf(() => offline.companies.getCompany({ companyId: "co_1" }));
    const offlineStats = offline.close();
    return {
      atConstruction,
      badInput,
      beforeFirstRequest,
      first,
      afterFirstRequest,
      stats,
      hits: hits.every((hit) => hit === true),
      withEntitlement: withEntitlement.value,
      afterHits,
      droppedAfterClose: sdk.eventStats().dropped,
      miss,
      afterMiss,
      offlineAnswers,
      offlineError,
      offlineStats,
      offlineStarts: starts() - afterMiss,
    };
  } finally {
    delete process.env.SYNC_WORKER_STARTS_FILE;
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A store of your own must answer synchronously here; one that fails, or answers with a promise, is reported and skipped. */
export function cacheProviders(baseUrl: string) {
  const warnings: string[] = [];
  const logger = { warn: (line: string) => warnings.push(line) };
  const gold = { company: { id: "co_1", plan: "gold" } };
  const store = new Map<string, FlagCheckResult>();
  const calls: string[] = [];
  const provider: CacheProvider<FlagCheckResult> = {
    get: (key) => (calls.push("get"), store.get(key)),
    set: (key, value, maxAgeMs) => void (calls.push(`set ${maxAgeMs}`), store.set(key, value)),
    delete: (key) => void store.delete(key),
  };
  const custom = client(baseUrl, { cache: provider, logger });
  const answers = [custom.checkFlag("f", gold), custom.checkFlag("f", gold)];
  custom.close();

  const broken: CacheProvider<FlagCheckResult> = {
    get: () => {
      throw new Error("store down");
    },
    set: () => {
      throw new Error("store full");
    },
    delete: () => undefined,
  };
  const brokenAnswer = client(baseUrl, { cache: broken, logger }).checkFlag("f", gold);
  const asyncStore: CacheProvider<FlagCheckResult> = { get: async () => undefined, set: async () => undefined, delete: async () => undefined };
  const asyncAnswer = client(baseUrl, { cache: asyncStore, logger }).checkFlag("f", gold);
  const badProvider = errorOf(() => client(baseUrl, { cache: { get: () => undefined } as unknown as CacheProvider<FlagCheckResult> }));
  return { answers, calls, brokenAnswer, asyncAnswer, warnings, badProvider };
}

/** Cached answers are frozen; a default may be a function, called in this thread; a signal is refused. */
export function callerThreadRules(baseUrl: string, failingUrl: string) {
  const gold = { company: { id: "co_1", plan: "gold" } };
  const sdk = client(baseUrl);
  const first = sdk.checkFlagWithEntitlement("f", gold);
  const mutation = errorOf(() => ((first as { value: boolean }).value = false));
  const again = sdk.checkFlag("f", gold);

  const lines: { line: string; threadId: number }[] = [];
  const failing = client(failingUrl, { maxRetries: 1, logger: { warn: (line) => lines.push({ line, threadId }) } });
  let asked = 0;
  const fromFunction = failing.checkFlag("a", {}, { defaultValue: () => (asked++, true) });
  const linesWhenCallReturned = lines.length;

  const signal = errorOf(() => sdk.features.checkFlags({}, { signal: new AbortController().signal } as never));
  const notCloneable = errorOf(() => sdk.companies.upsertCompany({ keys: { id: "co_1" }, traits: { compute: () => 1 } }));
  sdk.close();
  failing.close();
  return {
    frozen: mutation?.name === "TypeError",
    again,
    fromFunction,
    asked,
    linesWhenCallReturned,
    loggedInThisThread: lines.every((line) => line.threadId === threadId),
    lines: lines.map((line) => line.line),
    signal,
    notCloneable,
  };
}

/** A dispatcher module that cannot be used fails the first request with the reason; a relative path fails construction. */
export function badDispatcherModules(baseUrl: string) {
  const missing = client(baseUrl, { dispatcherModule: path.join(tmpdir(), "no-such-dispatcher-module.mjs") });
  const missingError = errorOf(() => missing.features.checkFlags());
  const missingCheck = errorOf(() => missing.checkFlagWithEntitlement("f"));
  const missingClose = errorOf(() => missing.close());
  const relative = errorOf(() => client(baseUrl, { dispatcherModule: "./dispatcher.mjs" }));
  const both = errorOf(() => client(baseUrl, { dispatcherModule: DISPATCHER_MODULE, proxyUrl: "http://127.0.0.1:9" }));
  return { missingError, missingCheck, missingClose, relative, both };
}

/** Blocks this thread for a while, as a synchronous program may. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A worker that dies during a call fails that call with an ApiError, not a hang; the next call gets a new worker. */
export function workerCrash(slowUrl: string, baseUrl: string) {
  const folder = mkdtempSync(path.join(tmpdir(), "sync-crash-"));
  process.env.SYNC_CRASH_MARKER_FILE = path.join(folder, "marker");
  try {
    const crashing = fileURLToPath(new URL("../helpers/crashing-dispatcher.ts", import.meta.url));
    const during = client(slowUrl, { dispatcherModule: crashing, maxRetries: 0 });
    const duringCall = errorOf(() => during.features.checkFlags());
    const after = during.checkFlag("f", { company: { id: "co_1" } }, { defaultValue: false });
    during.close();

    const between = client(baseUrl, { dispatcherModule: crashing });
    rmSync(process.env.SYNC_CRASH_MARKER_FILE, { force: true });
    between.checkFlag("f", { company: { id: "co_1" } }); // starts the worker that will crash
    pause(800); // it crashes meanwhile
    const second = between.checkFlag("g", { company: { id: "co_1" } });
    between.close();
    return { duringCall, after, second };
  } finally {
    delete process.env.SYNC_CRASH_MARKER_FILE;
    rmSync(folder, { recursive: true, force: true });
  }
}
