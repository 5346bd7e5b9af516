/**
 * Words of the flag-check and event capabilities (and of Schematic, whose API they come from), which the output of an
 * API without them must not contain. Not listed, because the core uses them in their ordinary sense: "key" (map keys,
 * idempotency keys), "default" (option defaults), "user" (UserAbortError), "company", "context", "batch"; and the
 * event loop and DOM-style event listeners of Node, which are not the events capability.
 */
export const CAPABILITY_WORDS: readonly RegExp[] = [
  /checkFlag/i, // checkFlag, checkFlagWithEntitlement
  /\bflag/i, // flag, flags, flag-check, flagDefaults, flagCheckTimeoutMs
  /\bcach(e|ed|es|ing)\b|CacheProvider/i,
  /\bidentify\b/i,
  /\btrack\b/i,
  /\bevents?\b(?![- ]loop)|eventStats/i,
  /\boffline/i, // offline, OfflineError
  /\btraits?\b/i,
  /\bentitlement/i,
  /\bschematic\b/i,
];

/** Every line of the texts that holds one of the words, as `path:line: text`. */
export function capabilityLines(files: readonly { path: string; text: string }[], words: readonly RegExp[] = CAPABILITY_WORDS): string[] {
  return files.flatMap((file) =>
    file.text
      .split("\n")
      .flatMap((line, index) => (words.some((word) => word.test(line)) ? [`${file.path}:${index + 1}: ${line.trim().slice(0, 160)}`] : [])),
  );
}
