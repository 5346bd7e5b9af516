/** "Did you mean" for a name the manifest gets wrong: the known names closest to it by edit distance. */

/** Suggestions name at most this many candidates, best first. */
const MAX_SUGGESTED = 3;

/**
 * How far a name may be from a candidate and still be suggested: a third of its length, at least 2, but always less
 * than the name's length, so that a short name is never "corrected" into an unrelated one ("id" into "to").
 */
export function suggestionBound(name: string): number {
  return Math.min(Math.max(2, Math.floor(name.length / 3)), Math.max(0, name.length - 1));
}

/**
 * The Damerau–Levenshtein distance (optimal string alignment: insert, delete, substitute, swap two neighbours) of `a`
 * and `b`, or `bound + 1` as soon as it is known to exceed `bound`. Only a band of 2·bound + 1 cells per row is
 * computed, so a comparison costs O(length · bound), not O(length²).
 */
export function editDistance(a: string, b: string, bound: number): number {
  const tooFar = bound + 1;
  if (Math.abs(a.length - b.length) > bound) return tooFar;
  // Three rows of the table: two rows back (for swaps), the previous one and the current one. Cells outside the band
  // stay at tooFar, which is all they need to say.
  let older = new Array<number>(b.length + 1).fill(tooFar);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => (j <= bound ? j : tooFar));
  let current = new Array<number>(b.length + 1).fill(tooFar);
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - bound);
    const to = Math.min(b.length, i + bound);
    current.fill(tooFar);
    current[0] = i <= bound ? i : tooFar;
    let rowMinimum = current[0];
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let cell = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cell = Math.min(cell, older[j - 2]! + 1);
      current[j] = Math.min(cell, tooFar);
      rowMinimum = Math.min(rowMinimum, current[j]!);
    }
    if (rowMinimum > bound) return tooFar;
    [older, previous, current] = [previous, current, older];
  }
  return Math.min(previous[b.length]!, tooFar);
}

/**
 * The candidates close to `name`, best first, at most three. Case is ignored when measuring ("PET" is 0 from "Pet",
 * so a case slip always comes first); equally close candidates keep their order in `candidates`.
 * Candidates whose length differs by more than the bound are skipped before any table is computed.
 */
export function closeNames(name: string, candidates: Iterable<string>): string[] {
  const bound = suggestionBound(name);
  const lower = name.toLowerCase();
  const close: { candidate: string; distance: number; order: number }[] = [];
  let order = 0;
  for (const candidate of candidates) {
    order += 1;
    if (candidate === name || Math.abs(candidate.length - name.length) > bound) continue;
    const distance = editDistance(lower, candidate.toLowerCase(), bound);
    if (distance <= bound) close.push({ candidate, distance, order });
  }
  return close
    .sort((x, y) => x.distance - y.distance || x.order - y.order)
    .slice(0, MAX_SUGGESTED)
    .map((entry) => entry.candidate);
}

/** ` (did you mean "A"?)`, ` (did you mean "A" or "B"?)`, ...; empty when no candidate is close. */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return "";
  const quoted = names.map((name) => `"${name}"`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
  return ` (did you mean ${list}?)`;
}
