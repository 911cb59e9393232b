import { expect } from 'vitest';
import { parseActionId } from '../../../src/chat/action-id.js';
import { eventually } from '../../chat/support/drive.js';
import type { ConsoleMessage } from '../../support/console-api.js';
import type { FixFixture } from './fix-from-card.js';

/**
 * The live top-level card titled `title` that offers `action` (on `targetId` when given): once a
 * condition comes back after it cleared, the resolved card is still in the channel, without buttons.
 */
export async function liveCard(fx: FixFixture, title: RegExp, action: string, targetId?: string): Promise<ConsoleMessage> {
  const offers = (m: ConsoleMessage) =>
    m.card.actions.some((a) => {
      const ref = parseActionId(a.id);
      return ref.ok && ref.value.action === action && (targetId === undefined || ref.value.target?.id === targetId);
    });
  let found: ConsoleMessage | undefined;
  await eventually(async () => {
    found = await fx.api.find((m) => m.threadOf === null && title.test(m.card.title) && offers(m), { required: false });
    return found !== undefined;
  }, 15_000);
  return found!;
}

/** One event as the platform would send it now, through the real intake, evaluated before this returns. */
export async function sendNow(fx: FixFixture, id: string, type: string, attributes: Record<string, unknown>): Promise<void> {
  const sent = await fx.triage.post('/v1/events', { events: [{ id, type, source: 'orchestrator', occurredAt: new Date().toISOString(), attributes }] });
  expect(sent.status).toBe(202);
  await fx.triage.writer.drain();
  await fx.triage.evaluator.idle();
}
