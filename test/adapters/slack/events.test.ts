import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../../adapters/slack/render.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import type { TestTriage } from '../../support/triage.js';
import { actionBody, blockAction, commandBody, createSlackFarSide, nowSeconds, OPS_CHANNEL, postSigned, type SlackFarSide } from './support.js';
import { dismissId, insightId, lastSentCard, raiseRuntimeFailures, startSlackTriage } from './triage.js';

/**
 * Signed requests against the real Bolt receiver mounted on the real Triage server, with Slack's
 * far side (Web API, response_url) in msw: what a Slack workspace would see.
 */
describe.each(oneDatabaseKind())('POST /slack/events on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    triage = await startSlackTriage(kind);
  });
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });
  afterEach(() => slack.behave(undefined));

  const hooksTo = (body: string) => {
    const url = new URLSearchParams(body).get('response_url') ?? JSON.parse(new URLSearchParams(body).get('payload')!).response_url;
    return () => slack.hooks.filter((h) => h.url === url);
  };
  const deliveries = async () => (await triage.database.query<{ n: number }>(sql`select count(*)::int as n from chat_work`))[0]!.n;

  it('/triage help: acks at once, then answers privately with the help', async () => {
    const body = commandBody('/triage', 'help');
    const started = Date.now();
    const res = await postSigned(triage.url, body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(Date.now() - started).toBeLessThan(1_000);
    const replies = hooksTo(body);
    await eventually(() => replies().length === 1);
    expect(replies()[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(replies()[0]!.body.text).toMatch(/^Triage watches your agent platform/);
    expect(replies()[0]!.body.text).toContain('/triage help');
  });

  it('/triage frobnicate gets a precise answer, privately', async () => {
    const body = commandBody('/triage', 'frobnicate now');
    expect((await postSigned(triage.url, body)).status).toBe(200);
    const replies = hooksTo(body);
    await eventually(() => replies().length === 1);
    expect(replies()[0]!.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: '/triage has no option "frobnicate". Try /triage help.' });
  });

  it('refuses a bad signature with 401 and does nothing', async () => {
    const before = { hooks: slack.hooks.length, deliveries: await deliveries() };
    const body = commandBody('/triage', 'help');
    const res = await postSigned(triage.url, body, { secret: 'not-the-signing-secret' });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.hooks.length).toBe(before.hooks);
    expect(await deliveries()).toBe(before.deliveries);
  });

  it('refuses a correctly signed request older than 5 minutes with 401', async () => {
    const before = slack.hooks.length;
    const res = await postSigned(triage.url, commandBody('/triage', 'help'), { timestamp: nowSeconds() - 6 * 60 });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.hooks.length).toBe(before);
  });

  describe('Dismiss on a real insight card', () => {
    let payload: ReturnType<typeof blockAction>;
    let ts: string;

    it('the card is posted to the SLACK_CHANNEL id, rendered by renderCard', async () => {
      await raiseRuntimeFailures(triage);
      // The row is settled after Slack answers: wait for both.
      await eventually(async () => (await lastSentCard(triage, 'post')).length === 1, 10_000);
      const [posted] = await lastSentCard(triage, 'post');
      expect(slack.calls('chat.postMessage')).toHaveLength(1);
      const call = slack.calls('chat.postMessage')[0]!;
      expect(call.body).toEqual({ channel: OPS_CHANNEL, ...renderCard(posted!) });
      ts = String(call.response!.ts);
      const stored = await triage.database.query<{ message_id: string }>(sql`select message_id from chat_messages where platform = 'slack'`);
      // The channel id travels in the message id, so an update finds the message where it is.
      expect(stored.map((r) => r.message_id)).toEqual([`${OPS_CHANNEL}:${ts}`]);
    });

    it('acks, the core dismisses, and the outbox updates the card once with its dismissed blocks', async () => {
      const id = await insightId(triage, 'runtime_execution_failures');
      payload = blockAction(dismissId(id), ts);
      const res = await postSigned(triage.url, actionBody(payload));
      expect(res.status).toBe(200);
      await eventually(async () => (await lastSentCard(triage, 'update')).length === 1, 10_000);
      const [dismissed] = await lastSentCard(triage, 'update');
      expect(slack.calls('chat.update')).toHaveLength(1);
      expect(dismissed!.state).toBe('dismissed');
      expect(slack.calls('chat.update')[0]!.body).toEqual({ channel: OPS_CHANNEL, ts, ...renderCard(dismissed!) });
      await eventually(() => slack.hooks.some((h) => h.url === payload.response_url));
      const reply = slack.hooks.find((h) => h.url === payload.response_url)!;
      expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(reply.body.text).toMatch(/^Dismissed ".*" as James Okafor;/);
      const rows = await triage.database.query<{ status: string; dismissed_by: string }>(sql`select status, dismissed_by from insights where id = ${id}`);
      // Named as Slack shows U0JAMES (users.info: display name empty, real name James Okafor), not by the handle.
      expect(rows[0]).toMatchObject({ status: 'dismissed', dismissed_by: 'James Okafor' });
    });

    it('the same click redelivered (X-Slack-Retry-Num, or simply twice) is not acted on again', async () => {
      const body = actionBody(payload);
      expect((await postSigned(triage.url, body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
      expect((await postSigned(triage.url, body)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
      // A second call into the core would have answered "Already dismissed by ...".
      expect(slack.hooks.filter((h) => h.url === payload.response_url)).toHaveLength(1);
      expect(slack.calls('chat.update')).toHaveLength(1);
    });

    it('a redelivered command is answered once', async () => {
      const body = commandBody('/triage', 'help');
      expect((await postSigned(triage.url, body)).status).toBe(200);
      expect((await postSigned(triage.url, body, { headers: { 'x-slack-retry-num': '1' } })).status).toBe(200);
      const replies = hooksTo(body);
      await eventually(() => replies().length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(replies()).toHaveLength(1);
    });
  });
});
