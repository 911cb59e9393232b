import type { EventType } from '../../events/vocabulary.js';
import { upTo } from '../../insights/catalog/helpers.js';
import type { SignalWindow } from '../../insights/signal-window.js';
import { GENAI_EVENT_TYPES, type GenAiEventAttributes, type GenAiEventType } from '../event-types.js';

export type GenAiSignal<T extends GenAiEventType> = { at: number; attributes: GenAiEventAttributes<T> };

/**
 * The newest event of one of this module's types per value of `key`, as of `now`, no older than
 * `freshMs`: a report of a window long past says nothing about now (an agent that stopped
 * running keeps its last report). Attributes are parsed by the type's own schema, so the entries
 * read them typed whether or not the vocabulary's registry has been told about the type yet.
 */
export function latestOf<T extends GenAiEventType>(window: SignalWindow, type: T, key: keyof GenAiEventAttributes<T> & string, now: number, freshMs: number): Map<string, GenAiSignal<T>> {
  const latest = new Map<string, GenAiSignal<T>>();
  for (const signal of upTo(window, type as unknown as EventType, now)) {
    if (now - signal.at > freshMs) continue;
    const parsed = GENAI_EVENT_TYPES[type].safeParse(signal.attributes);
    if (!parsed.success) continue;
    const attributes = parsed.data as GenAiEventAttributes<T>;
    const id = (attributes as Record<string, unknown>)[key];
    if (typeof id === 'string') latest.set(id, { at: signal.at, attributes });
  }
  return latest;
}
