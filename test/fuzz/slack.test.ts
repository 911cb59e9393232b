import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSlackEnvelope } from '../../adapters/slack/envelope.js';
import { BlockAction, SlashCommand } from '../../adapters/slack/payloads.js';
import { checkSlackSignature, MAX_SKEW_SECONDS } from '../../adapters/slack/signature.js';
import { anyText, headerText, mutated, mutatedJson, PARSER_RUNS } from './arbitraries.js';

/**
 * Slack's edge at the function level: the signature check (docs/architecture.md, "Rotating a
 * secret") and the envelope check that stands before Bolt ("At the edges"). Over HTTP:
 * test/fuzz/chat-routes.test.ts.
 */
const NOW_MS = 1_780_000_000_000;
const NOW = Math.floor(NOW_MS / 1000);

const COMMAND = {
  token: 'x', team_id: 'T0TEAM', channel_id: 'C0OPS', user_id: 'U0PRIYA', user_name: 'priya', command: '/budget',
  text: 'request daily 5 why', api_app_id: 'A0', response_url: 'https://hooks.slack.test/commands/1', trigger_id: '1337.1',
};
const BLOCK_ACTION = {
  type: 'block_actions', team: { id: 'T0TEAM' }, user: { id: 'U0JAMES', username: 'james', name: 'james', team_id: 'T0TEAM' },
  container: { type: 'message', message_ts: '1.2', channel_id: 'C0OPS' }, channel: { id: 'C0OPS' }, message: { ts: '1.2' },
  response_url: 'https://hooks.slack.test/actions/1',
  actions: [{ type: 'button', action_id: 'v1|dismiss|insight:42', block_id: 'b', action_ts: '1.3', value: '{}' }],
};
const URL_CHECK = { type: 'url_verification', token: 'x', challenge: 'abc' };

/** Form fields as Slack sends them: every value a string; a mutated command keeps that. */
const commandForm = mutatedJson(COMMAND).map((c) => {
  const fields = c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : { payload: c };
  return new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString();
});
const payloadForm = fc.oneof(mutatedJson(BLOCK_ACTION), fc.constantFrom(BLOCK_ACTION, null, 'block_actions', { type: 'view_submission' }, { type: '' }))
  .map((p) => new URLSearchParams({ payload: JSON.stringify(p) ?? '' }).toString());
const body = fc.oneof(
  { weight: 3, arbitrary: commandForm.map((b) => ['application/x-www-form-urlencoded', b] as const) },
  { weight: 3, arbitrary: payloadForm.map((b) => ['application/x-www-form-urlencoded; charset=utf-8', b] as const) },
  { weight: 1, arbitrary: mutatedJson(URL_CHECK).map((b) => ['application/json', JSON.stringify(b) ?? ''] as const) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', '', 'APPLICATION/JSON ; x=1'), fc.oneof(anyText, mutated('payload=%7B%22type%22%3A%22block_actions%22%7D'))) },
);

describe('Slack envelope under fuzzing', () => {
  it(`${PARSER_RUNS} signed bodies: refused with a reason, acknowledged, or handed to Bolt only when the handlers' schemas parse them`, () => {
    fc.assert(
      fc.property(body, fc.nat({ max: 9 }).map((n) => n > 0), ([contentType, text], typed) => {
        const checked = checkSlackEnvelope(typed ? contentType : undefined, Buffer.from(text, 'utf8'));
        if (!checked.ok) return void expect(checked.reason.length).toBeGreaterThan(10);
        if (checked.to !== 'bolt' || !contentType.startsWith('application/x-www-form-urlencoded')) return;
        const form = new URLSearchParams(text);
        const payload = form.get('payload');
        if (payload !== null) expect(BlockAction.safeParse(JSON.parse(payload)).success).toBe(true);
        else expect(SlashCommand.safeParse(Object.fromEntries(form)).success).toBe(true);
      }),
      { numRuns: PARSER_RUNS },
    );
    expect(checkSlackEnvelope('application/x-www-form-urlencoded', Buffer.from(new URLSearchParams(COMMAND).toString()))).toEqual({ ok: true, to: 'bolt' });
    expect(checkSlackEnvelope('application/x-www-form-urlencoded', Buffer.from(new URLSearchParams({ payload: JSON.stringify(BLOCK_ACTION) }).toString()))).toEqual({ ok: true, to: 'bolt' });
  });
});

const sign = (secret: string, timestamp: string, raw: Buffer) => `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest('hex')}`;
const secret = fc.string({ minLength: 1, maxLength: 40 });
const rawBody = fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1'))).map((s) => Buffer.from(s, 'latin1'));
const skew = fc.integer({ min: -MAX_SKEW_SECONDS, max: MAX_SKEW_SECONDS });

describe('Slack signature under fuzzing', () => {
  it(`${PARSER_RUNS} made-up headers and bodies never verify, and never throw`, () => {
    const timestamp = fc.oneof(headerText, fc.integer({ min: NOW - 400, max: NOW + 400 }).map(String), fc.constant(undefined));
    const signature = fc.oneof(headerText, fc.stringMatching(/^v0=[0-9a-f]{64}$/), fc.stringMatching(/^v0=[0-9a-fA-F]{60,68}$/), fc.constant(undefined));
    fc.assert(
      fc.property(timestamp, signature, rawBody, secret, fc.option(secret, { nil: undefined }), (ts, sig, raw, current, previous) => {
        const checked = checkSlackSignature({ timestamp: ts, signature: sig, body: raw }, { current, previous }, NOW_MS);
        expect(checked.ok).toBe(false);
        if (!checked.ok) {
          expect(checked.reason.length).toBeGreaterThan(10);
          // A refusal names headers and settings, never a secret.
          expect(checked.reason.includes(current) && current.length > 6).toBe(false);
        }
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`${PARSER_RUNS} bodies signed with the current or previous secret verify inside the window, and not once a byte or the time is off`, () => {
    fc.assert(
      fc.property(rawBody, secret, secret, skew, fc.boolean(), fc.nat(), (raw, current, previous, off, usePrevious, flip) => {
        fc.pre(current !== previous);
        const ts = String(NOW + off);
        const sig = sign(usePrevious ? previous : current, ts, raw);
        const secrets = { current, previous };
        expect(checkSlackSignature({ timestamp: ts, signature: sig, body: raw }, secrets, NOW_MS)).toEqual({ ok: true, matched: usePrevious ? 'previous' : 'current' });
        // Without the previous secret configured, its signatures are refused.
        if (usePrevious) expect(checkSlackSignature({ timestamp: ts, signature: sig, body: raw }, { current }, NOW_MS).ok).toBe(false);
        const i = 3 + (flip % 64);
        const forged = sig.slice(0, i) + (sig[i] === '0' ? '1' : '0') + sig.slice(i + 1);
        expect(checkSlackSignature({ timestamp: ts, signature: forged, body: raw }, secrets, NOW_MS).ok).toBe(false);
        const tampered = Buffer.concat([raw, Buffer.from([flip % 256])]);
        expect(checkSlackSignature({ timestamp: ts, signature: sig, body: tampered }, secrets, NOW_MS).ok).toBe(false);
        const late = (NOW + off + MAX_SKEW_SECONDS + 1) * 1000;
        expect(checkSlackSignature({ timestamp: ts, signature: sig, body: raw }, secrets, late).ok).toBe(false);
      }),
      { numRuns: PARSER_RUNS },
    );
  });
});
