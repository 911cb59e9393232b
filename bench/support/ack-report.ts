import type { AckFigures } from './ack-load.js';

/**
 * CPU used during the measured window, in % of one core: the target's, and this generator's; and
 * the host's 1-minute load average as it began, since other work on the host moves the figures.
 */
export type Cpu = { targetPct: number; generatorPct: number; hostLoad: number };

export type Measured = {
  figures: AckFigures;
  cpu: Cpu;
  /** How many acked commands Triage had answered through response_url, and how long we waited. */
  answered?: { count: number; expected: number; afterMs: number };
  logLines?: string[];
};

export const say = (line: string) => process.stdout.write(`ack: ${line}\n`);
export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : '—');

export const figures = (f: AckFigures) =>
  `p50 ${ms(f.p50)} p99 ${ms(f.p99)} max ${ms(f.max)}, ${Math.round(f.perSecond)} req/s, ${f.errors} errors of ${f.sent}` +
  (f.busy ? `, ${f.busy} acks said "busy"` : '') +
  (f.errors ? ` (${Object.entries(f.errorKinds).map(([kind, n]) => `${kind} x${n}`).join(', ')})` : '');

/** One target's figures, its CPU, and whether the acked commands were really answered. */
export function report(label: string, result: Measured | Error, durationMs: number) {
  if (result instanceof Error) return say(`${label}: could not measure: ${result.message}`);
  say(`${label} ${figures(result.figures)}`);
  reportCpu(label, result.cpu, durationMs, result.figures);
  reportAnswers(label, result);
}

/**
 * The target's CPU per acked request, in ms. With the host's cores shared, latency follows CPU
 * per request, and this figure moves far less from run to run than p99 does.
 */
export const cpuPerAck = (cpu: Cpu, f: AckFigures) => (cpu.targetPct * 10) / f.perSecond;

/** Triage, PostgreSQL and the generator share the host's CPUs: a saturated host shows up here. */
export function reportCpu(label: string, cpu: Cpu, durationMs: number, f: AckFigures) {
  say(
    `${label} used ${Math.round(cpu.targetPct)}% of a core during the ${durationMs / 1000} s (${cpuPerAck(cpu, f).toFixed(3)} ms per ack), ` +
      `the load generator ${Math.round(cpu.generatorPct)}%; host load average ${cpu.hostLoad.toFixed(1)} as it began`,
  );
}

export function reportAnswers(label: string, result: Pick<Measured, 'answered' | 'logLines'>) {
  const { answered, logLines: lines = [] } = result;
  if (answered) {
    const wait = answered.afterMs >= 50 ? ` ${(answered.afterMs / 1000).toFixed(1)} s after the load` : ' when the load stopped';
    say(`${label} had answered ${answered.count} of ${answered.expected} acked commands through response_url${wait}`);
  }
  if (lines.length) say(`${label} logged ${lines.length} warning/error lines; first: ${lines[0]!.slice(0, 300)}`);
}
