import { ApiError } from "./errors.js";
import { flattenHeaders, type HttpResponse } from "./transport.js";

/** What an operation answering with a file returns: its bytes, its media type and the file name the server gave. */
export interface Download {
  bytes: Uint8Array;
  /** The Content-Type header as sent, parameters included; undefined when the server sent none. */
  contentType: string | undefined;
  /**
   * The file name of Content-Disposition (`filename*`, RFC 5987, before `filename`), without any directory part:
   * a name to save under, never a path. Undefined when the server gave none.
   */
  filename: string | undefined;
}

/** The Accept header of a request whose answer is read as bytes or as text rather than JSON. */
export const ACCEPT_BY_CONTENT = { binary: "*/*", text: "text/*" } as const;

/** A binary response as a Download. */
export function downloadOf(response: HttpResponse): Download {
  const headers = flattenHeaders(response.rawHeaders);
  return {
    // A copy of exactly the body: the received buffer may be a slice of a shared pool holding other data.
    bytes: new Uint8Array(response.bytes),
    contentType: headers["content-type"],
    filename: filenameOf(headers["content-disposition"]),
  };
}

/** A text response as a string, decoded by the charset of its Content-Type (UTF-8 when it names none). */
export function textOf(response: HttpResponse, where: string): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(flattenHeaders(response.rawHeaders)["content-type"] ?? "")?.[1];
  // A UTF-8 byte order mark is not text (a CSV's first header would carry it); TextDecoder drops it for other charsets.
  if (charset === undefined || /^utf-?8$/i.test(charset)) return response.text.replace(/^\uFEFF/, "");
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new ApiError(`${where} returned ${response.statusCode} with text in charset "${charset.slice(0, 40)}", which this runtime cannot decode`, {
      statusCode: response.statusCode,
      headers: flattenHeaders(response.rawHeaders),
    });
  }
  return decoder.decode(response.bytes);
}

/** One `name=value` parameter of a header: a token, or a quoted string with backslash escapes. */
const PARAMETER = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;

/** The file name a Content-Disposition header gives (RFC 6266), `filename*` first; its last path segment only. */
export function filenameOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let plain: string | undefined;
  let extended: string | undefined;
  for (const [, rawName, quoted, token] of header.matchAll(PARAMETER)) {
    const name = rawName!.toLowerCase();
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : token!.trim();
    if (name === "filename*") extended ??= extendedValue(value);
    else if (name === "filename") plain ??= value;
  }
  // A filename* that names no usable file leaves the plain filename to answer.
  return baseName(extended) ?? baseName(plain);
}

/** An RFC 5987 value, `charset'language'percent-encoded`, decoded; undefined for another charset or bad encoding. */
function extendedValue(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match) return undefined;
  const [, charset, encoded] = match as unknown as [string, string, string];
  try {
    if (/^utf-8$/i.test(charset)) return decodeURIComponent(encoded);
    // Each byte of ISO-8859-1 is the code point of the same number.
    if (/^iso-8859-1$/i.test(charset)) return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  } catch {
    // A malformed percent-escape: as if the parameter were absent, so `filename` may still answer.
  }
  return undefined;
}

/** The part after the last slash or backslash, and nothing that names a directory (empty, "." or ".."). */
function baseName(name: string | undefined): string | undefined {
  // Control characters (C0, C1) and bidirectional overrides could hide or disguise part of a name in a terminal, a log
  // or a file manager ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"); a file name never needs them.
  const visible = name?.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "");
  // The last path segment only, without a Windows drive ("D:evil.txt") and without characters Windows reserves (":"
  // would name an NTFS stream), so the name stays inside whatever folder it is saved in.
  const last = visible?.split(/[/\\]/).pop()?.replace(/^[A-Za-z]:/, "").replace(/[<>:"|?*]/g, "_").trim();
  return last === undefined || last === "" || last === "." || last === ".." ? undefined : last;
}
