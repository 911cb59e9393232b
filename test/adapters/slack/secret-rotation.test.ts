import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { checkSlackSignature } from '../../../adapters/slack/signature.js';
import { createLogger } from '../../../src/observability/logger.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';
import { dismissId } from './triage.js';
import { actionBody, blockAction, commandBody, createSlackFarSide, nowSeconds, sign, slackConfig, type SignedOptions, type SlackFarSide } from './support.js';

const NEW_SECRET = 'rotation-new-signing-secret-4c1d';
const OLD_SECRET = 'rotation-old-signing-secret-9e72';
const THIRD_SECRET = 'rotation-third-signing-secret-0a5b';

/**
 * Issue 13, item 4: while the signing secret is rotated, Slack requests signed with the current
 * or the previous secret are both handled by the real Bolt behind the real Triage server; anything
 * else is refused with 401 and the reason, and neither a secret nor a signature is ever shown.
 */
describe.each(oneDatabaseKind())('rotating SLACK_SIGNING_SECRET on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  const lines: string[] = [];
  const bodies: string[] = [];
  const signatures: string[] = [];

  /** postSigned from ./support.js, keeping the answer's body and the signature sent. */
  const post = async (rawBody: string, options: SignedOptions & { contentType?: string } = {}) => {
    const timestamp = options.timestamp ?? nowSeconds();
    const signature = options.signature ?? sign(rawBody, timestamp, options.secret ?? NEW_SECRET);
    signatures.push(signature);
    const res = await fetch(`${triage.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
        ...options.headers,
      },
      body: rawBody,
    });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, text };
  };
  const reasonOf = (text: string) => (JSON.parse(text) as { error: { code: string; message: string } }).error;
  const repliesTo = (body: string) => {
    const url = new URLSearchParams(body).get('response_url') ?? (JSON.parse(new URLSearchParams(body).get('payload')!) as { response_url: string }).response_url;
    return () => slack.hooks.filter((h) => h.url === url);
  };
  const previousUses = async (): Promise<number | undefined> => {
    const text = await (await fetch(`${triage.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('triage_auth_previous_secret_used_total{secret="slack_signing_secret"}'));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = slackConfig({ signingSecret: NEW_SECRET, signingSecretPrevious: OLD_SECRET });
    triage = await startTestTriage(kind, { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 }, slack: config } as never, {
      logger: createLogger('debug', stream),
      adapters: [createSlackAdapter(config)],
    });
  });
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });

  it('a command signed with the new secret and one signed with the old are both answered; only the old is counted', async () => {
    expect(await previousUses()).toBe(0);
    const withNew = commandBody('/triage', 'help');
    expect((await post(withNew)).status).toBe(200);
    await eventually(() => repliesTo(withNew)().length === 1);
    expect(await previousUses()).toBe(0);

    const withOld = commandBody('/triage', 'help');
    expect((await post(withOld, { secret: OLD_SECRET })).status).toBe(200);
    await eventually(() => repliesTo(withOld)().length === 1);
    expect(repliesTo(withOld)()[0]!.body.text).toMatch(/^Triage watches your agent platform/);
    expect(await previousUses()).toBe(1);
    expect(lines.some((l) => l.includes('SLACK_SIGNING_SECRET_PREVIOUS') && l.includes('triage_auth_previous_secret_used_total'))).toBe(true);
  });

  it('an interaction (a button) signed with the old secret reaches the core', async () => {
    const body = actionBody(blockAction(dismissId(999_999), '1700000000.000100'));
    expect((await post(body, { secret: OLD_SECRET })).status).toBe(200);
    await eventually(() => repliesTo(body)().length === 1);
    expect(await previousUses()).toBe(2);
  });

  it('an Events API request (JSON) signed with the old secret is handled: the URL check answers its challenge', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 'deprecated', challenge: 'rotation-challenge' });
    const answered = await post(body, { secret: OLD_SECRET, contentType: 'application/json' });
    expect(answered.status).toBe(200);
    expect(answered.text).toContain('rotation-challenge');
  });

  it('refuses a request signed with a third secret with 401 and the reason, and does nothing', async () => {
    const before = { hooks: slack.hooks.length, uses: await previousUses() };
    const refused = await post(commandBody('/triage', 'help'), { secret: THIRD_SECRET });
    expect(refused.status).toBe(401);
    expect(reasonOf(refused.text)).toEqual({
      code: 'unauthorized',
      message: 'the signature matches neither the current signing secret (SLACK_SIGNING_SECRET) nor the previous one (SLACK_SIGNING_SECRET_PREVIOUS)',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.hooks.length).toBe(before.hooks);
    expect(await previousUses()).toBe(before.uses);
    expect(lines.some((l) => l.includes('refused a Slack request') && l.includes('matches neither'))).toBe(true);
  });

  it('names a stale timestamp, missing headers and a malformed signature as such', async () => {
    const stale = await post(commandBody('/triage', 'help'), { secret: OLD_SECRET, timestamp: nowSeconds() - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(reasonOf(stale.text).message).toMatch(/^stale timestamp: X-Slack-Request-Timestamp is 36\d s old, beyond Slack's 5-minute window/);

    const unsigned = await fetch(`${triage.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: commandBody('/triage', 'help') });
    const unsignedText = await unsigned.text();
    bodies.push(unsignedText);
    expect(unsigned.status).toBe(401);
    expect(reasonOf(unsignedText).message).toBe('missing the X-Slack-Request-Timestamp and X-Slack-Signature headers: not a signed Slack request');

    const malformed = await post(commandBody('/triage', 'help'), { signature: 'v1=abc' });
    expect(malformed.status).toBe(401);
    expect(reasonOf(malformed.text).message).toBe('X-Slack-Signature is not a v0 signature (v0= and 64 hex digits)');
  });

  it("Slack's unsigned SSL check is still answered", async () => {
    const res = await fetch(`${triage.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ssl_check=1&token=x' });
    bodies.push(await res.text());
    expect(res.status).toBe(200);
  });

  it('no secret and no signature appears in any response body or log line', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [...bodies, ...lines]) {
      for (const secret of [NEW_SECRET, OLD_SECRET, THIRD_SECRET]) expect(text).not.toContain(secret);
      for (const signature of signatures.filter((s) => s.length > 10)) expect(text).not.toContain(signature.slice(3));
    }
  });
});

describe('checkSlackSignature', () => {
  const body = Buffer.from('a=1');
  const at = 1_800_000_000;
  const secrets = { current: NEW_SECRET, previous: OLD_SECRET };

  it('tells which secret signed, and refuses a timestamp too far ahead as well as behind', () => {
    expect(checkSlackSignature({ timestamp: String(at), signature: sign('a=1', at, NEW_SECRET), body }, secrets, at * 1000)).toEqual({ ok: true, matched: 'current' });
    expect(checkSlackSignature({ timestamp: String(at), signature: sign('a=1', at, OLD_SECRET), body }, secrets, at * 1000)).toEqual({ ok: true, matched: 'previous' });
    const ahead = checkSlackSignature({ timestamp: String(at + 400), signature: sign('a=1', at + 400, NEW_SECRET), body }, secrets, at * 1000);
    expect(ahead).toMatchObject({ ok: false, reason: expect.stringMatching(/^stale timestamp: .* 400 s in the future/) });
  });

  it('with no previous secret, the refusal names only the one', () => {
    expect(checkSlackSignature({ timestamp: String(at), signature: sign('a=1', at, OLD_SECRET), body }, { current: NEW_SECRET }, at * 1000)).toEqual({
      ok: false,
      reason: 'the signature does not match the signing secret (SLACK_SIGNING_SECRET)',
    });
  });

  it('fails closed with no secret configured, even for a request signed with an empty key', () => {
    expect(checkSlackSignature({ timestamp: String(at), signature: sign('a=1', at, ''), body }, { current: '' }, at * 1000)).toMatchObject({ ok: false });
  });
});
