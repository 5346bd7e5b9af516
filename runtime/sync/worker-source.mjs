// Entry of the sync client's worker when the runtime runs from its TypeScript sources (this repository's tests and
// tools, under tsx). Node 20 does not apply the parent's module hooks to worker threads, so they are registered here
// before the worker itself is loaded. Built packages start worker.js directly and never load this file.
try {
  const { register } = await import("tsx/esm/api");
  register();
} catch {
  // No tsx: the runtime that loads .ts files (a newer Node with type stripping, another loader) is already in place.
}
await import("./worker.ts");
