import { loadavg } from 'node:os';
import { runAckLoad, type AckFigures, type Slash, type SlashTarget } from './ack-load.js';
import { figures, type Cpu } from './ack-report.js';

/** One thing being measured: a process (Triage or bare Bolt) and the command sent to it. */
export type Contender = {
  label: string;
  target: SlashTarget;
  slash: Slash;
  /** CPU time of the process that serves it, in ms so far. */
  cpuMs(): number;
  /**
   * After each of its windows: waits (bounded) for the process to finish the work the window
   * left behind, so that work does not share the host with the next contender's window.
   */
  settle(window: AckFigures): Promise<void>;
};

export type LoadShape = { concurrency: number; timeoutMs: number; warmupMs: number };
export type Window = { figures: AckFigures; cpu: Cpu };

/** Warm-up figures are thrown away, but a warm-up where nothing succeeded means nothing will. */
export async function warmUp(c: Contender, shape: LoadShape): Promise<AckFigures> {
  const warm = await runAckLoad(c.target, { concurrency: shape.concurrency, durationMs: shape.warmupMs, timeoutMs: shape.timeoutMs, slash: c.slash });
  if (warm.ok === 0) throw new Error(`${c.label}: every warm-up request failed: ${figures(warm)}`);
  await c.settle(warm);
  return warm;
}

/** One measured window of `durationMs`, with the CPU the target and this generator used in it. */
export async function measureWindow(c: Contender, shape: LoadShape, durationMs: number): Promise<Window> {
  const hostLoad = loadavg()[0]!;
  const targetBefore = c.cpuMs();
  const generatorBefore = process.cpuUsage();
  const load = await runAckLoad(c.target, { concurrency: shape.concurrency, durationMs, timeoutMs: shape.timeoutMs, slash: c.slash });
  const generator = process.cpuUsage(generatorBefore);
  const cpu = {
    targetPct: (100 * (c.cpuMs() - targetBefore)) / load.ms,
    generatorPct: (100 * (generator.user + generator.system)) / 1000 / load.ms,
    hostLoad,
  };
  if (load.ok === 0) throw new Error(`${c.label}: every request failed: ${figures(load)}`);
  await c.settle(load);
  return { figures: load, cpu };
}

/**
 * `rounds` rounds, each one window per contender, the order rotated every round. On a shared host
 * the background load drifts over a run; one long window per target, one after the other, put the
 * drift into the ratio (the same code measured 1.0 and 1.46 on two runs). Windows side by side in
 * time give each target the same share of the host's good and bad moments.
 */
export async function interleave(contenders: readonly Contender[], rounds: number, windowMs: number, shape: LoadShape): Promise<Map<Contender, Window[]>> {
  const windows = new Map<Contender, Window[]>(contenders.map((c) => [c, []]));
  for (const c of contenders) await warmUp(c, shape);
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const c of order) windows.get(c)!.push(await measureWindow(c, shape, windowMs));
  }
  return windows;
}

/** The CPU of several equal windows as one. */
export function meanCpu(windows: readonly Window[]): Cpu {
  const mean = (pick: (cpu: Cpu) => number) => windows.reduce((sum, w) => sum + pick(w.cpu), 0) / windows.length;
  return { targetPct: mean((c) => c.targetPct), generatorPct: mean((c) => c.generatorPct), hostLoad: windows[0]?.cpu.hostLoad ?? NaN };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
