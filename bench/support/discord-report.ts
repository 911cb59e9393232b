import type { AckFigures } from './ack-load.js';
import { cpuPerAck, figures, type Cpu } from './ack-report.js';

/** bench/support/ack-report.ts's lines, said as `discord:` so a whole `npm run bench` reads which benchmark spoke. */
export const say = (line: string) => process.stdout.write(`discord: ${line}\n`);

export type Answered = { count: number; expected: number; afterMs: number };

/** One target's figures over all its rounds, and the CPU it and the generator used. */
export function report(label: string, result: { figures: AckFigures; cpu: Cpu }, durationMs: number) {
  const f = result.figures;
  say(`${label} ${figures(f)}`);
  say(
    `${label} used ${Math.round(result.cpu.targetPct)}% of a core during the ${durationMs / 1000} s (${cpuPerAck(result.cpu, f).toFixed(3)} ms per ack), ` +
      `the load generator ${Math.round(result.cpu.generatorPct)}%; host load average ${result.cpu.hostLoad.toFixed(1)} as it began`,
  );
}

/** Did the acked interactions really run? Each is answered through its webhook after the ack. */
export function reportAnswers(label: string, answered: Answered, logLines: string[]) {
  const wait = answered.afterMs >= 50 ? ` ${(answered.afterMs / 1000).toFixed(1)} s after the load` : ' when the load stopped';
  say(`${label} had answered ${answered.count} of ${answered.expected} acked interactions through their webhooks${wait}`);
  if (logLines.length) say(`${label} logged ${logLines.length} warning/error lines; first: ${logLines[0]!.slice(0, 300)}`);
}
