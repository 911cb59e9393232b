import { describe, expect, it } from 'vitest';
import { checkSlackEnvelope } from '../../../adapters/slack/envelope.js';
import { actionBody, blockAction, commandBody } from './support.js';

const FORM = 'application/x-www-form-urlencoded';
const check = (body: string) => checkSlackEnvelope(FORM, Buffer.from(body));

/**
 * What reaches Bolt is what the handlers can act on and answer (docs/architecture.md, "At the
 * edges"). Each case below was found by fuzzing signed requests (test/fuzz/chat-routes.test.ts):
 * each was acknowledged, then failed after the ack.
 */
describe('the Slack envelope check', () => {
  const press = blockAction('v1|dismiss|insight:42', '1700000000.000100') as Record<string, unknown>;

  it('hands a complete button press and slash command to Bolt', () => {
    expect(check(actionBody(press))).toEqual({ ok: true, to: 'bolt' });
    expect(check(commandBody('/audit', '5'))).toEqual({ ok: true, to: 'bolt' });
  });

  // A press on the Home tab, as Slack sends it: the view is the container; no channel, message or response_url.
  const fromHome = { ...press, channel: undefined, message: undefined, response_url: undefined, container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home' } };

  it('hands a press on the Home tab to Bolt, though it has no channel, message or response_url', () => {
    expect(check(actionBody(fromHome))).toEqual({ ok: true, to: 'bolt' });
  });

  it.each([
    ['a press on a modal (Triage publishes none)', { ...fromHome, view: { id: 'V0HOME', type: 'modal' } }, /Home tab/],
    ['a press on a view without the view', { ...fromHome, container: { type: 'view' }, view: undefined }, /Home tab/],
    // fast-check seed 680369673: nobody could be answered, so the click vanished.
    ['a press without response_url', { ...press, response_url: undefined }, /response_url/],
    ['a press naming no channel', { ...press, channel: undefined, container: { message_ts: '1.2' } }, /channel and message/],
    ['a press naming no message', { ...press, message: undefined, container: { channel_id: 'C0OPS12345' } }, /channel and message/],
    // fast-check seed 101180707: recording the work failed in PostgreSQL, and the person got the crash apology.
    ['an action id with an unpaired surrogate', { ...press, actions: [{ action_id: '\ud800', action_ts: '1.3' }] }, /unpaired UTF-16 surrogate.*actions\.0\.action_id/],
  ])('refuses %s with the reason', (_what, payload, reason) => {
    const checked = check(actionBody(payload));
    expect(checked).toMatchObject({ ok: false });
    if (!checked.ok) expect(checked.reason).toMatch(reason);
  });

  it('refuses a slash command whose text holds a NUL (%00), which cannot be stored', () => {
    const checked = check(commandBody('/triage', 'help\u0000'));
    expect(checked).toMatchObject({ ok: false, reason: expect.stringContaining('NUL') });
  });
});
