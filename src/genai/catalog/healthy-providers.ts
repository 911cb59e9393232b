import type { Signal, SignalWindow } from '../../insights/signal-window.js';
import { latestBy } from '../../insights/catalog/helpers.js';
import { problems, type Limits } from '../../insights/catalog/provider-routing.js';

/** Reports within this long of the degraded one count as "the same window" (the signals' window is 5 minutes). */
const SAME_WINDOW_MS = 5 * 60_000;

/**
 * For provider_degraded's card: the providers whose newest report, from about the same
 * time as the degraded one's, shows no problem, so on-call sees where work could go. Empty when
 * none was seen: the field is then left off.
 */
export function healthyAlongside(window: SignalWindow, now: number, degraded: Signal<'provider.health'>, limits: Limits): Array<{ label: string; value: string }> {
  const healthy = [...latestBy(window, 'provider.health', 'provider', now).values()]
    .filter((s) => s.attributes.provider !== degraded.attributes.provider && Math.abs(s.at - degraded.at) <= SAME_WINDOW_MS && problems(s, limits).length === 0)
    .map((s) => s.attributes.provider)
    .sort();
  return healthy.length ? [{ label: 'Healthy in the same window', value: healthy.join(', ') }] : [];
}
