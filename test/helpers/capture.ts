import { sendJson, startServer, type RecordedRequest, type TestServer } from "./server.js";

export interface CapturedEvent {
  api_key: string;
  type: string;
  body: Record<string, unknown>;
  idempotency_key: string;
  sent_at: string;
}

/** A capture service: records every batch it reads, and counts each idempotency key once, as the real one does. */
export interface CaptureServer extends TestServer {
  batches: CapturedEvent[][];
  /** Events by idempotency key: what the service counts. */
  counted: Map<string, CapturedEvent>;
  /** Events received again with a key already counted. */
  duplicates: number;
}

export type Fault = "none" | "503" | "reset-after-processing" | "hang" | "400";

export async function startCapture(faultFor: (requestNumber: number) => Fault = () => "none"): Promise<CaptureServer> {
  let requestNumber = 0;
  const state = { batches: [] as CapturedEvent[][], counted: new Map<string, CapturedEvent>(), duplicates: 0 };
  const record = (request: RecordedRequest) => {
    const events = (JSON.parse(request.body) as { events: CapturedEvent[] }).events;
    state.batches.push(events);
    for (const event of events) {
      if (state.counted.has(event.idempotency_key)) state.duplicates++;
      else state.counted.set(event.idempotency_key, event);
    }
  };
  const server = await startServer((request, res) => {
    const fault = faultFor(++requestNumber);
    if (fault === "hang") return;
    if (fault === "503") return sendJson(res, 503, { error: "busy" });
    if (fault === "400") return sendJson(res, 400, { error: "batch too large", max_size: 100 });
    record(request);
    if (fault === "reset-after-processing") return void res.socket?.destroy();
    sendJson(res, 200, {});
  });
  return Object.defineProperties(server, {
    batches: { value: state.batches },
    counted: { value: state.counted },
    duplicates: { get: () => state.duplicates },
  }) as CaptureServer;
}
