import { expect } from 'vitest';
import { parseActionId } from '../../src/chat/action-id.js';
import type { Card } from '../../src/chat/card.js';

/** A message as the console's state route lists it. */
export type ConsoleMessage = { id: string; channel: string; threadOf: string | null; card: Card; visibleTo?: string | null };
/** What the console answers a click or a command with. */
export type ConsoleAnswer = { reply: { visibility: string; text: string; card?: Card } };

/**
 * The local console's HTTP API as a person uses it (adapters/console/routes.ts): read the
 * channel as someone, press a button on a card by its action (and target), type a command.
 * Real HTTP against a real Triage; nothing of Triage's own is stood in for.
 */
export function consoleApi(baseUrl: () => string) {
  const messages = async (as = 'sofia'): Promise<ConsoleMessage[]> => {
    const res = await fetch(`${baseUrl()}/console/api/state?as=${as}`);
    return ((await res.json()) as { messages: ConsoleMessage[] }).messages;
  };
  /** The first message `test` accepts, read as `as`; fails the test when there is none and `required`. */
  const find = async (test: (m: ConsoleMessage) => boolean, options: { as?: string; required?: boolean } = {}): Promise<ConsoleMessage | undefined> => {
    const found = (await messages(options.as)).find(test);
    if (options.required ?? true) expect(found).toBeDefined();
    return found;
  };
  /** Presses the card's button for `action` (on `targetId` when given); any status, for clicks that may be refused. */
  const tryClick = async (personId: string, message: ConsoleMessage, action: string, targetId?: string): Promise<{ status: number; body: unknown }> => {
    const button = message.card.actions.find((a) => {
      const ref = parseActionId(a.id);
      return ref.ok && ref.value.action === action && (targetId === undefined || ref.value.target?.id === targetId);
    });
    expect(button, `${action} on "${message.card.title}"`).toBeDefined();
    const res = await fetch(`${baseUrl()}/console/api/click`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actionId: button!.id, personId, channel: message.channel, messageId: message.id }),
    });
    return { status: res.status, body: await res.json() };
  };
  const click = async (personId: string, message: ConsoleMessage, action: string, targetId?: string): Promise<ConsoleAnswer> => {
    const { status, body } = await tryClick(personId, message, action, targetId);
    expect(status).toBe(200);
    return body as ConsoleAnswer;
  };
  const command = async (personId: string, text: string, channel = 'ops'): Promise<ConsoleAnswer> => {
    const res = await fetch(`${baseUrl()}/console/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, personId, channel }) });
    expect(res.status).toBe(200);
    return (await res.json()) as ConsoleAnswer;
  };
  return { messages, find, tryClick, click, command };
}
