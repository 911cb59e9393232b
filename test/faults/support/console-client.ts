import type { Card } from '../../../src/chat/card.js';
import { parseActionId } from '../../../src/chat/action-id.js';
import type { Sql } from 'postgres';
import { sleep } from '../../support/replicas.js';

export type ConsoleMessage = { id: string; channel: string; threadOf: string | null; card: Card; visibleTo: string | null };
export type ConsoleAnswer = { status: number; reply?: { visibility: string; text: string; card?: Card }; error?: { code: string; message: string } };

/** Reads what the console shows a person straight from the database, oldest first. */
export type MessageReader = (as: string) => Promise<ConsoleMessage[]>;

/** console_messages as listVisible (adapters/console/store.ts) returns them, read on a plain client. */
export const messagesFromDatabase =
  (sql: Sql): MessageReader =>
  async (as) =>
    (
      await sql<Array<{ id: string; channel: string; thread_of: string | null; card: Card; visible_to: string | null }>>`
        select id, channel, thread_of, card, visible_to from console_messages where visible_to is null or visible_to = ${as} order by id`
    ).map((r) => ({ id: String(r.id), channel: r.channel, threadOf: r.thread_of === null ? null : String(r.thread_of), card: r.card, visibleTo: r.visible_to }));

/**
 * The web console's JSON API on a real Triage process (loopback, no login: the picker's person
 * acts), as its page uses it: the state, a button click, a slash command. `read` replaces the
 * state route for watching cards: that route asks the platform for the people on every call, so
 * with the platform slow, each read would take as long as the platform does.
 */
export function consoleClient(url: string, read?: MessageReader) {
  const post = async (path: string, body: unknown): Promise<ConsoleAnswer> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await res.json().catch(() => ({}))) as Omit<ConsoleAnswer, 'status'>;
    return { status: res.status, ...json };
  };
  const messages = async (as: string): Promise<ConsoleMessage[]> => {
    if (read) return read(as);
    const res = await fetch(`${url}/console/api/state?as=${encodeURIComponent(as)}`, { signal: AbortSignal.timeout(30_000) });
    return ((await res.json()) as { messages?: ConsoleMessage[] }).messages ?? [];
  };
  return {
    messages,
    /** Polls the state until a message matches (newest first), or undefined after `timeoutMs`. */
    async waitFor(as: string, test: (m: ConsoleMessage) => boolean, timeoutMs: number): Promise<ConsoleMessage | undefined> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await messages(as)).reverse().find(test);
        if (found || Date.now() > deadline) return found;
        await sleep(100);
      }
    },
    /** The button on the card whose action (and target, when given) match. */
    button(message: ConsoleMessage, action: string, targetId?: string): string | undefined {
      return message.card.actions.find((a) => {
        const ref = parseActionId(a.id);
        return ref.ok && ref.value.action === action && (targetId === undefined || ref.value.target?.id === targetId);
      })?.id;
    },
    click: (personId: string, message: ConsoleMessage, actionId: string) =>
      post('/console/api/click', { actionId, personId, channel: message.channel, messageId: message.id }),
    command: (personId: string, text: string, channel = 'ops') => post('/console/api/command', { text, personId, channel }),
  };
}
export type ConsoleClient = ReturnType<typeof consoleClient>;
