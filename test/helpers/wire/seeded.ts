// Deterministic choices for the wire harness: the same manifest gives the same values on every run.

/** mulberry32: a tiny seeded generator; good enough to vary test values, and stable across runs. */
export function seededRandom(seedText: string): () => number {
  let seed = 0;
  for (const char of seedText) seed = (Math.imul(seed, 31) + char.codePointAt(0)!) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings with characters that paths and queries must escape (and some they need not). */
export const AWKWARD_STRINGS: readonly string[] = [
  "plain-value_1",
  "with space/slash?q=1&x=y#frag",
  "100% pure+plus=sign",
  "üñí©ødé ☃ 𝄞",
  "semi;colon:colon@at$dollar",
  "[brackets]{braces}|pipe\\back",
  "quote'\"!*()~tilde",
  "comma,separated,text",
];

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
