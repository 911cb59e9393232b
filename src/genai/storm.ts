import type { AcceptedEvent } from '../events/envelope.js';
import type { GenAiConfig } from './config.js';
import { rounded, signalEvent } from './events.js';
import type { WindowView } from './window.js';

/**
 * Retry storms: the same tool or model call (op_call) repeated far above its baseline, judged on
 * the busiest minute of the window against the average minute of the hour before it. Reported as
 * endpoint.calls, which retry_storm reads (src/insights/catalog/retry-storm.ts), while storming
 * and once more when it calms, so the card reads the calm sample. The endpoint is the op_call key:
 * `tool:<server>/<tool>` or `model:<provider>/<model>`.
 */
export function stormSignals(view: WindowView, config: GenAiConfig): Array<AcceptedEvent | undefined> {
  const limits = config.retryStorm;
  const baselineOf = (key: string): number => (view.baseline.get(key)?.calls ?? 0) / view.baselineMinutes;
  const storming = (perMinute: number | undefined, baseline: number): boolean =>
    perMinute !== undefined &&
    perMinute >= limits.minCallsPerMinute &&
    (perMinute >= limits.callsPerMinute || (baseline > 0 && perMinute / baseline >= limits.baselineMultiple));
  const events: Array<AcceptedEvent | undefined> = [];
  for (const [key, perMinute] of view.busiestMinute.current) {
    const baseline = baselineOf(key);
    if (!storming(perMinute, baseline) && !storming(view.busiestMinute.previous.get(key), baseline)) continue;
    events.push(
      signalEvent('endpoint.calls', key, view.end, {
        endpoint: key,
        callsPerMinute: perMinute,
        // No baseline (a call new this hour) leaves retry_storm its absolute threshold.
        ...(baseline > 0 ? { baselinePerMinute: rounded(baseline) } : {}),
        origin: 'otlp',
      }),
    );
  }
  return events;
}
