import type { RequestGate } from "./client-core.js";
import { InvalidArgumentError, MIN_REDACTED_SECRET_CHARS } from "./errors.js";
import { kindOf } from "./url.js";

/** How a client authenticates, from the manifest's `auth` section: the secret's place, never the secret. */
export type AuthScheme =
  | { readonly kind: "header"; readonly name: string; readonly prefix?: string }
  | { readonly kind: "query"; readonly name: string }
  | { readonly kind: "basic" }
  | { readonly kind: "none" };

/** The scheme and the caller's credentials, as a generated client passes them to the core. */
export interface AuthSettings {
  auth: AuthScheme;
  /** The API key, token or (basic) password. */
  secret?: string | undefined;
  /** Option name of the secret, for messages. */
  secretOption?: string;
  /** The basic scheme's user name and its option name. */
  username?: string | undefined;
  usernameOption?: string;
  /** False when the API also answers without credentials: a client given none sends none. */
  authRequired?: boolean;
}

/** What a client sends to authenticate, resolved once; every text in `secrets` is redacted wherever it appears. */
export interface ResolvedAuth {
  /** Lower-case header name and its value, when credentials go in a header. */
  header?: readonly [string, string];
  /** `name=value`, URL-encoded, when they go in the query. */
  query?: string;
  /** The header a call may not set (lower case), and what refusing it says. */
  reservedHeader?: { name: string; reason: string };
  secrets: string[];
}

/** Visible Latin-1 characters, which HTTP can send as a header value unchanged. */
const HEADER_VALUE_CHARACTERS = /^[\x21-\x7e\x80-\xff]+$/;
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/;

/** Checks the credentials against their scheme (messages never quote them) and builds what requests carry. */
/** `gate`: the client's request gate, if it has one; while closed, no credentials are needed. */
export function resolveAuth(settings: AuthSettings, gate: RequestGate | undefined): ResolvedAuth {
  const { auth, secret, username, secretOption = "", usernameOption = "" } = settings;
  if (auth.kind === "none") return { secrets: [] };
  const basic = auth.kind === "basic";
  const what = basic ? "credentials" : auth.kind === "header" && auth.prefix ? "token" : "API key";
  const options = basic ? `${usernameOption} and ${secretOption} options` : `${secretOption} option`;
  const reservedName = basic ? "authorization" : auth.kind === "header" ? auth.name.toLowerCase() : undefined;
  const reservedHeader = reservedName === undefined ? undefined : {
    name: reservedName,
    reason: `header "${reservedName}" carries the ${what}, which the ${options} set${basic ? "" : "s"}; for other ${what}, create another client`,
  };
  const given = (value: unknown, option: string): value is string => {
    if (value === undefined || value === "") return false;
    // The kind only, never the value: a number or an object here may still be the credential.
    if (typeof value !== "string") throw new InvalidArgumentError(`${option} must be a string, got ${kindOf(value)}`);
    return true;
  };
  const hasSecret = given(secret, secretOption);
  if (basic && hasSecret !== given(username, usernameOption)) {
    throw new InvalidArgumentError(`${usernameOption} and ${secretOption} go together: pass both or neither`);
  }
  const required = () => {
    const pass = basic ? `"${usernameOption}" and "${secretOption}"` : `"${secretOption}"`;
    return new InvalidArgumentError(`${basic ? usernameOption : secretOption} is required: pass your ${what} as ${pass}${gate === undefined ? "" : `, or ${gate.waiver}`}`);
  };
  if (!hasSecret) {
    if (settings.authRequired !== false && gate?.closed !== true) throw required();
    return { reservedHeader, secrets: [] };
  }
  if (secret.trim() === "") throw required();
  // Redaction skips shorter texts (they occur by chance in any body), so a key or token that short could leak.
  if (!basic && secret.length < MIN_REDACTED_SECRET_CHARS) {
    throw new InvalidArgumentError(`${secretOption} must have at least ${MIN_REDACTED_SECRET_CHARS} characters: a shorter ${what} could not be kept out of error messages`);
  }
  switch (auth.kind) {
    case "header":
      // Never quoted back: the message names the problem, not the value.
      if (!HEADER_VALUE_CHARACTERS.test(secret)) {
        throw new InvalidArgumentError(
          `${secretOption} must be a string without line breaks, other control characters, spaces or characters beyond Latin-1 (such as an emoji): HTTP cannot send it as a header`,
        );
      }
      return { header: [reservedName!, (auth.prefix ?? "") + secret], reservedHeader, secrets: [secret] };
    case "query":
      if (CONTROL_CHARACTERS.test(secret)) throw new InvalidArgumentError(`${secretOption} must be a string without line breaks or other control characters`);
      return { query: `${encodeURIComponent(auth.name)}=${encodeURIComponent(secret)}`, secrets: [secret] };
    case "basic": {
      const user = username as string; // given whenever the password is, checked above
      if (user.includes(":") || CONTROL_CHARACTERS.test(user)) {
        throw new InvalidArgumentError(`${usernameOption} must be a string without a colon, line breaks or other control characters`);
      }
      if (CONTROL_CHARACTERS.test(secret)) throw new InvalidArgumentError(`${secretOption} must be a string without line breaks or other control characters`);
      const encoded = Buffer.from(`${user}:${secret}`, "utf8").toString("base64");
      return { header: ["authorization", `Basic ${encoded}`], reservedHeader, secrets: [secret, encoded] };
    }
  }
}

/** "a number", "an array", "null": what a value is, without showing it. */
