/** The package as users run it: the compiled dist/ build (npm run bench builds it first), not sources through tsx. */
export async function loadPackage(): Promise<typeof import("../generated/index.js")> {
  return import(new URL("../dist/bundle/index.js", import.meta.url).href);
}

/** The compiled runtime, for benchmarks of its parts. */
export async function loadRuntime(): Promise<typeof import("../runtime/index.js")> {
  return import(new URL("../dist/runtime/index.js", import.meta.url).href);
}

/** One benchmark line: our figure beside the reference measured in the same run, their ratio and the target. */
export interface Row {
  name: string;
  ours: number;
  reference: number;
  unit: string;
  referenceName: string;
  /** "higher" when a bigger figure is better (throughput), "lower" otherwise (latency, ns/op). */
  better: "higher" | "lower";
  /** The ratio ours/reference must stay at most (lower) or at least (higher) this. */
  target?: number;
  /** Our figure must stay at most this, whatever the reference. */
  absoluteMax?: number;
  /** Our figure must reach at least this, whatever the reference. */
  absoluteMin?: number;
  /** Our figure may exceed the reference by at most this, in its unit. */
  maxExcess?: number;
}

const figure = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

export function printRows(title: string, rows: Row[]): boolean {
  console.log(`\n${title}`);
  let allMet = true;
  for (const row of rows) {
    const ratio = row.ours / row.reference;
    const targets: string[] = [];
    let met = true;
    if (row.target !== undefined) {
      met &&= row.better === "higher" ? ratio >= row.target : ratio <= row.target;
      targets.push(`ratio ${row.better === "higher" ? ">=" : "<="} ${row.target}`);
    }
    if (row.absoluteMax !== undefined) {
      met &&= row.ours <= row.absoluteMax;
      targets.push(`ours <= ${row.absoluteMax} ${row.unit}`);
    }
    if (row.absoluteMin !== undefined) {
      met &&= row.ours >= row.absoluteMin;
      targets.push(`ours >= ${row.absoluteMin} ${row.unit}`);
    }
    if (row.maxExcess !== undefined) {
      met &&= row.ours - row.reference <= row.maxExcess;
      targets.push(`ours - reference <= ${row.maxExcess} ${row.unit}`);
    }
    allMet &&= met;
    const target = targets.length === 0 ? "(for information)" : `(target ${targets.join(", ")}) ${met ? "met" : "MISSED"}`;
    console.log(
      `  ${row.name.padEnd(44)} ours ${figure(row.ours).padStart(9)} ${row.unit.padEnd(6)} ${row.referenceName.padEnd(22)} ${figure(row.reference).padStart(9)} ${row.unit.padEnd(6)} ratio ${ratio.toFixed(2)} ${target}`,
    );
  }
  return allMet;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
