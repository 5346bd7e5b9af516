import { Agent, type Dispatcher } from "undici6";

/**
 * A sync client's `dispatcherModule` that builds an undici 6 Agent, the kind Node's bundled undici and older apps
 * use. It marks every request it carries so that the server can tell. INTEROP_DISPATCHER picks a broken variant:
 * "hang" never settles, "throw" throws, "not-a-dispatcher" returns a plain object; "slow" answers a working dispatcher
 * after INTEROP_DISPATCHER_DELAY_MS, the way a module that loads a large dependency (undici) does on a busy machine.
 */
export function createDispatcher(): Dispatcher | Promise<Dispatcher> | object {
  switch (process.env.INTEROP_DISPATCHER) {
    case "hang":
      return new Promise<never>(() => undefined);
    case "throw":
      throw new Error("no client certificate in this test");
    case "not-a-dispatcher":
      return { connections: 1 };
    case "slow":
      return new Promise((resolve) => setTimeout(() => resolve(markedAgent()), Number(process.env.INTEROP_DISPATCHER_DELAY_MS)));
  }
  return markedAgent();
}

function markedAgent(): Dispatcher {
  const agent = new Agent();
  return agent.compose(
    (dispatch) => (options, handler) =>
      dispatch({ ...options, headers: { ...(options.headers as Record<string, string>), "x-dispatcher": "undici6-module" } }, handler),
  );
}
