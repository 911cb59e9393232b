import { sql } from 'drizzle-orm';
import { HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import type { TestTriage } from '../../support/triage.js';
import { createSlackFarSide, OPS_CHANNEL, slackConfig, type SlackFarSide } from './support.js';
import { raiseRuntimeFailures, startSlackTriage } from './triage.js';

type Row = { status: string; attempts: number; last_error: string | null };

/** Slack's refusals as the outbox lives them: Retry-After honoured and retried, permanent kept. */
describe.each(oneDatabaseKind())('the outbox over the Slack ChatPort on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
  });
  afterAll(() => slack?.close());

  const rows = () => triage.database.query<Row>(sql`select status, attempts, last_error from chat_outbox where platform = 'slack' and kind = 'post'`);

  it('a 429 with Retry-After: 1 is retried after that second, and the card is posted once', async () => {
    triage = await startSlackTriage(kind);
    try {
      let refused = false;
      slack.behave((call) => {
        if (call.method !== 'chat.postMessage' || refused) return undefined;
        refused = true;
        return new HttpResponse('', { status: 429, headers: { 'retry-after': '1' } });
      });
      await raiseRuntimeFailures(triage);
      await eventually(async () => (await rows()).some((r) => r.status === 'sent'), 10_000);
      const [first, second, ...more] = slack.calls('chat.postMessage');
      expect(more).toHaveLength(0);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
      expect(second!.body.channel).toBe(OPS_CHANNEL);
      // The 429 gave its attempt back: only the try that went through counts.
      expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      await triage.close();
      slack.reset();
    }
  });

  it('channel_not_found fails the row at once and keeps the reason, with the fix', async () => {
    triage = await startSlackTriage(kind, slackConfig({ channel: 'C0GONE' }));
    try {
      slack.behave(() => HttpResponse.json({ ok: false, error: 'channel_not_found' }));
      await raiseRuntimeFailures(triage);
      await eventually(async () => (await rows()).some((r) => r.status === 'failed'), 10_000);
      const [row] = await rows();
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row!.last_error).toMatch(/\/invite @Triage/);
      expect(slack.calls('chat.postMessage')).toHaveLength(1);
    } finally {
      await triage.close();
      slack.reset();
    }
  });
});
