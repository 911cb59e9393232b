/**
 * A benchmark is a module under bench/ whose default export has this shape (checked with
 * `satisfies Benchmark` there, and with isBenchmark when run.ts loads it). Failing to measure
 * throws; missing a goal is a result, because the figures are the point.
 */
export type Benchmark = {
  name: string;
  run(): Promise<{ goalsMet: boolean }>;
};

export function isBenchmark(value: unknown): value is Benchmark {
  const candidate = value as Partial<Benchmark> | null;
  return typeof candidate?.name === 'string' && typeof candidate.run === 'function';
}
