/**
 * What a fault run injected and what held, printed as it goes so a CI log (or a bench run) reads
 * as the story of the fault: `[name] injected: …`, `[name] held: …`, `[name] DID NOT HOLD: …`.
 * Tests assert `failed()` is empty at the end; benches print the summary and exit non-zero.
 */
export type FaultReport = {
  injected(line: string): void;
  /** Records a promise and whether it held, with the figures that show it. */
  check(held: boolean, claim: string): boolean;
  note(line: string): void;
  failed(): string[];
  lines(): string[];
};

export function faultReport(name: string, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): FaultReport {
  const lines: string[] = [];
  const failures: string[] = [];
  const started = Date.now();
  const say = (line: string) => {
    const stamped = `[${name} +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`;
    lines.push(stamped);
    print(stamped);
  };
  return {
    injected: (line) => say(`injected: ${line}`),
    note: (line) => say(line),
    check(held, claim) {
      say(`${held ? 'held' : 'DID NOT HOLD'}: ${claim}`);
      if (!held) failures.push(claim);
      return held;
    },
    failed: () => [...failures],
    lines: () => [...lines],
  };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Counts of each value, as "503×412, 202×1,830" in descending order. */
export function tally(values: Iterable<string | number>): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
}
