import type { Database } from '../db/client.js';
import type { EventWriter, WriteOutcome } from '../intake/event-writer.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { cronOf, type GenAiConfig } from './config.js';
import { deriveSignals } from './signals.js';
import { readWindow, windowEndAt } from './window.js';

export const GENAI_SIGNALS_JOB = 'genai-signals';

export type GenAiSignalsDeps = {
  database: Database;
  writer: Pick<EventWriter, 'write'>;
  config: GenAiConfig;
  now?: () => number;
};

/** One derivation: the window that settled by `at`, its signals, and what the writer made of them. */
export type GenAiSignalsRun = { windowEnd: number; signals: number } & WriteOutcome;

/**
 * Reads the newest settled window of rollups and writes its signals through the event writer,
 * like any sender's events: the evaluator sees them in the event log, on whichever replica
 * leads. Every id is fixed by the window (src/genai/events.ts), so the runs within a minute, a
 * retried tick or a second replica store each signal once; the rest count as duplicates.
 */
export async function runGenAiSignals(deps: GenAiSignalsDeps, at = (deps.now ?? Date.now)()): Promise<GenAiSignalsRun> {
  const windowEnd = windowEndAt(deps.config, at);
  const events = deriveSignals(await readWindow(deps.database, deps.config, windowEnd), deps.config);
  const outcome = events.length ? await deps.writer.write(events) : { accepted: 0, duplicates: 0 };
  return { windowEnd, signals: events.length, ...outcome };
}

/**
 * Schedules the derivation every genai.everySeconds, once across replicas (src/jobs/scheduler.ts
 * claims each tick for one of them). The job's tick time, not the replica's clock, picks the
 * window, so the replica that wins a tick derives the window every replica would have.
 */
export function startGenAiSignals(deps: GenAiSignalsDeps & { scheduler: Pick<Scheduler, 'schedule'> }): void {
  deps.scheduler.schedule(GENAI_SIGNALS_JOB, cronOf(deps.config), ({ tick }) => runGenAiSignals(deps, tick.getTime()));
}
