import { request } from "undici";

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  text: string;
}

/** Sends one HTTP request and reads the whole response body. Rejects on network failure or abort. */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  const response = await request(req.url, {
    method: req.method as "GET",
    headers: req.headers,
    body: req.body,
    signal: req.signal,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { statusCode: response.statusCode, headers, text: await response.body.text() };
}
