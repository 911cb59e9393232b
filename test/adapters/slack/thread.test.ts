import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';
import { commandBody, createSlackFarSide, OPS_CHANNEL, postSigned, slackConfig, type SlackFarSide } from './support.js';

const ROLES = { responders: ['slack:U0JAMES'], approvers: [], admins: [], twoPersonRule: true };
const OUTBOX = { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 };

let eventSeq = 0;
/** An Events API event_callback for a message event, as Slack sends it (JSON, signed). */
function messageEvent(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T0TEAM',
    api_app_id: 'A0TRIAGE',
    event: { type: 'message', channel: OPS_CHANNEL, channel_type: 'channel', event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: `Ev0MSG${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
  });
}

/**
 * The incident thread is the record (issue 15 point 6), over Slack's own request formats: signed
 * Events API callbacks through real Bolt at /slack/events, names from users.info on Slack's far
 * side (msw), /incident timeline answered at the response_url, and the minutes.
 */
describe.each(oneDatabaseKind())('the incident thread as the record on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  let headerTs = '';
  let incidentId = 0;
  let seconds = 0;
  const nextTs = () => `${++seconds}.000100`;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    triage = await startTestTriage(kind, { outbox: OUTBOX, roles: ROLES } as never, { adapters: [createSlackAdapter(slackConfig())] });
    const declared = await postSigned(triage.url, commandBody('/incident', 'declare Database pool exhausted', { user_id: 'U0JAMES', user_name: 'james' }));
    expect(declared.status).toBe(200);
    // The header card is posted and its ts recorded: the thread's root.
    await eventually(async () => {
      const rows = await triage.database.query<{ card_key: string; message_id: string }>(
        sql`select card_key, message_id from chat_messages where platform = 'slack' and card_key like 'incident:%' and card_key not like 'incident:%:%'`,
      );
      if (!rows[0]) return false;
      incidentId = Number(rows[0].card_key.split(':')[1]);
      headerTs = rows[0].message_id.split(':')[1]!;
      return true;
    }, 20_000);
    seconds = Math.floor(Number(headerTs)) + 60;
  }, 120_000);
  afterEach(() => slack?.assertAccepted?.());
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });

  const send = async (event: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const started = Date.now();
    const res = await postSigned(triage.url, messageEvent(event), { headers: { 'content-type': 'application/json', ...headers } });
    expect(res.status).toBe(200);
    // Acked at once: the name lookup and the write come after the answer.
    expect(Date.now() - started).toBeLessThan(3_000);
  };
  const notes = () =>
    triage.database.query<{ message_id: string; text: string; deleted_at: Date | null }>(sql`select message_id, text, deleted_at from thread_notes order by id`);
  const timeline = async (): Promise<string> => {
    const before = slack.hooks.length;
    expect((await postSigned(triage.url, commandBody('/incident', `timeline ${incidentId}`))).status).toBe(200);
    await eventually(() => slack.hooks.length > before, 10_000);
    return JSON.stringify(slack.hooks.slice(before).map((h) => h.body));
  };

  it('records a reply in the incident thread, named as Slack shows the person, in the timeline and the minutes', async () => {
    const ts = nextTs();
    await send({ user: 'U0ELENA', text: 'rolled back the pool change &amp; restarted', ts, thread_ts: headerTs });
    await eventually(async () => (await notes()).length === 1, 10_000);
    expect(await notes()).toMatchObject([{ message_id: ts, text: 'rolled back the pool change & restarted' }]);
    expect(slack.calls('users.info').map((c) => c.body.user)).toContain('U0ELENA');
    const said = await timeline();
    expect(said).toContain('Elena (on-call)');
    expect(said).toContain('rolled back the pool change');
    const minutes = await triage.incidents.markdown(incidentId);
    expect(minutes).toMatch(/## From the incident thread\n- \d\d:\d\d UTC Elena \(on-call\): rolled back the pool change & restarted/);
  });

  it('stores nothing from bots, from other threads or from the channel itself', async () => {
    const before = (await notes()).length;
    await send({ subtype: 'bot_message', bot_id: 'B0OTHER', text: 'deploy finished', ts: nextTs(), thread_ts: headerTs });
    await send({ user: 'U0TRIAGE', bot_id: 'B0TRIAGE', text: 'Triage says', ts: nextTs(), thread_ts: headerTs });
    await send({ user: 'U0PRIYA', text: 'lunch?', ts: nextTs(), thread_ts: '1600000000.000100' });
    await send({ user: 'U0PRIYA', text: 'morning all', ts: nextTs() });
    // A person's reply after them, to know the ones before were handled.
    const marker = nextTs();
    await send({ user: 'U0PRIYA', text: 'paged the DBA', ts: marker, thread_ts: headerTs });
    await eventually(async () => (await notes()).some((n) => n.message_id === marker), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await notes()).length).toBe(before + 1);
  });

  it('stores a redelivered message once (x-slack-retry-num) and the same event twice once', async () => {
    const ts = nextTs();
    const event = { user: 'U0JAMES', text: 'failover in progress', ts, thread_ts: headerTs };
    await send(event);
    await send(event, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await send(event);
    await eventually(async () => (await notes()).some((n) => n.message_id === ts), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await notes()).filter((n) => n.message_id === ts)).toHaveLength(1);
    expect(await timeline()).toContain('James Okafor');
  });

  it('an edit updates the stored text and a deletion removes it from the timeline and the minutes', async () => {
    const ts = nextTs();
    await send({ user: 'U0MIKE', text: 'restarted worker 3', ts, thread_ts: headerTs });
    await eventually(async () => (await notes()).some((n) => n.message_id === ts), 10_000);
    const edited = { type: 'message', user: 'U0MIKE', text: 'restarted workers 3 and 4', ts, thread_ts: headerTs, edited: { user: 'U0MIKE', ts: nextTs() } };
    await send({ subtype: 'message_changed', hidden: true, message: edited, previous_message: { ...edited, text: 'restarted worker 3' }, ts: nextTs() });
    await eventually(async () => (await notes()).find((n) => n.message_id === ts)?.text === 'restarted workers 3 and 4', 10_000);
    expect(await timeline()).toContain('restarted workers 3 and 4 (edited)');
    await send({ subtype: 'message_deleted', hidden: true, deleted_ts: ts, previous_message: { type: 'message', user: 'U0MIKE', text: 'x', ts, thread_ts: headerTs }, ts: nextTs() });
    await eventually(async () => (await notes()).find((n) => n.message_id === ts)?.deleted_at != null, 10_000);
    expect(await timeline()).not.toContain('restarted workers');
    expect(await triage.incidents.markdown(incidentId)).not.toContain('restarted workers');
  });
});
