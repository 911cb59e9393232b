import { createHmac } from 'node:crypto';
import { createPostgresDatabase } from '../../support/databases.js';
import type { TriageProcess } from '../../support/process.js';
import { observe, sleep, startReplica, stopAll, waitFor } from '../../support/replicas.js';
import { consoleClient, messagesFromDatabase } from './console-client.js';
import { seconds, tally, type FaultReport } from './fault-report.js';
import { startFakeWebApi } from './fake-web-api.js';

export type StormOptions = {
  /** Requests in the storm, all in flight at once. */
  requests: number;
  /** Shares of the storm: the console's clicks, and exact redeliveries of Slack clicks; the rest are Slack clicks. */
  consoleShare: number;
  redeliveryShare: number;
  seed: number;
};

const SIGNING_SECRET = 'faults-signing-secret-6a0c2d94e1';
const BOT_TOKEN = 'xoxb-faults-0000000000-storm';
const CHANNEL = 'C0FAULTS';
const ROUTINE = 'daily-code-review';
const SLACK_APPROVERS = Array.from({ length: 8 }, (_, i) => `U0APPR${String(i + 1).padStart(2, '0')}`);
const SLACK_VIEWERS = ['U0VIEW01', 'U0VIEW02', 'U0VIEW03'];
/** Console people (the seed's employees): Elena and Alex approve, Mike asked (two-person rule), Sofia has no role. */
const CONSOLE_PEOPLE = ['elena', 'alex', 'mike', 'sofia'];
const REQUESTER = 'mike';

type Sent = {
  kind: 'slack' | 'console' | 'redelivery';
  replica: 'a' | 'b';
  /** The click this request carries (a redelivery carries its original's). */
  click: string;
  who: string;
  decision: 'approve' | 'deny';
  status: number;
  error?: string;
  ms: number;
  /** The console's answer (the reply text, or the error code of a refusal). */
  said?: string;
};

/** A small deterministic generator, so a failing storm can be replayed with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

const sign = (body: string, timestamp: number) => `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/**
 * One approval pending on two replicas of Triage on one PostgreSQL, and a storm of clicks on it
 * all at once: Approve and Deny from several approvers and from people who may not decide, over
 * signed Slack requests and the console, with exact redeliveries sent to either replica. One
 * decision is taken, the platform hears it at most once, and every request gets an answer.
 */
export async function clickStorm(report: FaultReport, options: StormOptions): Promise<void> {
  const running: TriageProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const slack = await startFakeWebApi();
    cleanups.push(() => slack.close());
    const db = await createPostgresDatabase();
    cleanups.push(db.drop);
    const seen = observe(db.url);
    cleanups.push(() => seen.close());
    const config = [
      'roles:',
      `  approvers: [${[...SLACK_APPROVERS.map((u) => `slack:${u}`), 'console:elena', 'console:alex', `console:${REQUESTER}`].join(', ')}]`,
      'outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 }',
      '',
    ].join('\n');
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL: CHANNEL };
    const [a, b] = await Promise.all([startReplica(db.url, config, env), startReplica(db.url, config, env)]);
    running.push(a!, b!);
    const replicas = { a: a!, b: b! };
    for (const r of running) if (r.child.exitCode !== null) throw new Error(`a replica did not start:\n${r.output().slice(-2000)}`);

    // The approval: asked for by Mike through the console of replica A.
    const ui = consoleClient(a!.url, messagesFromDatabase(seen.sql));
    const asked = await ui.command(REQUESTER, `/budget request ${ROUTINE} 5 fault injection: ${options.requests} concurrent clicks`);
    if (asked.status !== 200) throw new Error(`/budget request failed: ${asked.status} ${JSON.stringify(asked)}`);
    const card = await ui.waitFor('elena', (m) => m.card.title === `Budget override: ${ROUTINE}` && m.card.actions.length > 0, 20_000);
    if (!card) throw new Error('no approval card in the console');
    const approve = ui.button(card, 'approve_budget_override')!;
    const deny = ui.button(card, 'deny_budget_override')!;
    const posted = await waitFor(async () => slack.calls.find((c) => c.method === 'chat.postMessage' && (c.fields.text ?? '').includes(`Budget override: ${ROUTINE}`)), 20_000, 100);
    if (!posted) throw new Error(`the approval card was not posted to Slack: ${tally(slack.calls.map((c) => c.method))}`);
    const messageTs = String(posted.answer.ts);
    const [approval] = await seen.sql<Array<{ id: string }>>`select id from approvals where status = 'pending' order by id desc limit 1`;
    const approvalId = approval!.id;
    const [before] = await seen.sql<Array<{ limit: string }>>`select budget_limit_usd as limit from platform_routines where id = ${ROUTINE}`;

    // The storm, built before anything is sent so every request leaves at once.
    const rand = random(options.seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const consoleClicks = Math.round(options.requests * options.consoleShare);
    const redeliveries = Math.round(options.requests * options.redeliveryShare);
    const slackClicks = options.requests - consoleClicks - redeliveries;
    const timestamp = Math.floor(Date.now() / 1000);
    type Planned = { kind: Sent['kind']; replica: 'a' | 'b'; click: string; who: string; decision: Sent['decision']; send: () => Promise<Response> };
    const slackOriginals: Planned[] = [];
    /** The same signed body again, to either replica: what a redelivery is. */
    const redeliver = new Map<string, (replica: 'a' | 'b') => () => Promise<Response>>();
    for (let i = 0; i < slackClicks; i++) {
      const who = rand() < 0.85 ? pick(SLACK_APPROVERS) : pick(SLACK_VIEWERS);
      const decision = rand() < 0.5 ? 'approve' : 'deny';
      const click = `s${i}`;
      const payload = {
        type: 'block_actions',
        team: { id: 'T0FAULTS', domain: 'faults' },
        user: { id: who, username: who.toLowerCase(), name: who.toLowerCase(), team_id: 'T0FAULTS' },
        api_app_id: 'A0TRIAGE',
        trigger_id: `${timestamp}.${i}`,
        container: { type: 'message', message_ts: messageTs, channel_id: CHANNEL, is_ephemeral: false },
        channel: { id: CHANNEL, name: 'ops' },
        message: { type: 'message', ts: messageTs, text: `Budget override: ${ROUTINE}` },
        response_url: slack.responseUrl(click),
        actions: [{ type: 'button', action_id: decision === 'approve' ? approve : deny, block_id: 'actions', text: { type: 'plain_text', text: decision }, action_ts: `${timestamp}.${String(i).padStart(6, '0')}` }],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const signature = sign(body, timestamp);
      const to = (replica: 'a' | 'b', retry: boolean) => () =>
        fetch(`${replicas[replica].url}/slack/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signature,
            ...(retry ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}),
          },
          body,
          signal: AbortSignal.timeout(30_000),
        });
      const replica = i % 2 === 0 ? 'a' : 'b';
      slackOriginals.push({ kind: 'slack', replica, click, who, decision, send: to(replica, false) });
      redeliver.set(click, (r) => to(r, true));
    }
    const slackPlan: Planned[] = [...slackOriginals];
    for (let i = 0; i < redeliveries; i++) {
      const original = pick(slackOriginals);
      const replica = rand() < 0.5 ? 'a' : 'b';
      slackPlan.push({ kind: 'redelivery', replica, click: original.click, who: original.who, decision: original.decision, send: redeliver.get(original.click)!(replica) });
    }
    for (let i = slackPlan.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [slackPlan[i], slackPlan[j]] = [slackPlan[j]!, slackPlan[i]!];
    }
    // The console's clicks leave first: each waits for the database before it reaches the card,
    // while a Slack click is queued at once, so sent last they would only ever find the buttons gone.
    const plan: Planned[] = [];
    for (let i = 0; i < consoleClicks; i++) {
      const who = pick(CONSOLE_PEOPLE);
      const decision = rand() < 0.5 ? 'approve' : 'deny';
      const replica = i % 2 === 0 ? 'a' : 'b';
      const send = () =>
        fetch(`${replicas[replica].url}/console/api/click`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ actionId: decision === 'approve' ? approve : deny, personId: who, channel: card.channel, messageId: card.id }),
          signal: AbortSignal.timeout(30_000),
        });
      plan.push({ kind: 'console', replica, click: `c${i}`, who, decision, send });
    }
    plan.push(...slackPlan);

    const stormAt = Date.now();
    const sent: Sent[] = await Promise.all(
      plan.map(async ({ send, ...p }): Promise<Sent> => {
        const started = Date.now();
        try {
          const res = await send();
          const body = (await res.json().catch(() => ({}))) as { reply?: { text?: string }; error?: { code?: string } };
          return { ...p, status: res.status, ms: Date.now() - started, ...(p.kind === 'console' ? { said: body.reply?.text ?? body.error?.code ?? '' } : {}) };
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          return { ...p, status: 0, error: cause ?? (error as Error).name, ms: Date.now() - started };
        }
      }),
    );
    const answeredIn = Date.now() - stormAt;
    report.injected(
      `${plan.length} requests at once on one pending approval, split across 2 replicas (A ${plan.filter((p) => p.replica === 'a').length}, B ${plan.filter((p) => p.replica === 'b').length}): ` +
        `${slackClicks} signed Slack clicks (${SLACK_APPROVERS.length} approvers and ${SLACK_VIEWERS.length} viewers, Approve ${slackOriginals.filter((p) => p.decision === 'approve').length} / Deny ${slackOriginals.filter((p) => p.decision === 'deny').length}), ` +
        `${redeliveries} exact redeliveries of them (same body and signature, X-Slack-Retry-Num 1, to either replica), ${consoleClicks} console clicks (${CONSOLE_PEOPLE.join(', ')}; ${REQUESTER} asked for it); seed ${options.seed}`,
    );

    // Everything acknowledged is answered later through response_url: wait for the queues to drain.
    const distinct = new Set(slackOriginals.map((p) => p.click));
    await waitFor(async () => {
      const [work] = await seen.sql<Array<{ n: string }>>`select count(*) as n from chat_work where status = 'running'`;
      const answered = new Set(slack.responses.map((r) => r.click));
      return Number(work!.n) === 0 && [...distinct].every((c) => answered.has(c));
    }, 60_000, 250);
    await sleep(500);

    const acked = await Promise.all(running.map((r) => slackAckedWithin(r.url, 2.5)));
    report.note(
      `HTTP answers: ${tally(sent.map((s) => `${s.kind} ${s.status || s.error}`))}, the last ${seconds(answeredIn)} after the first was sent; ` +
        `Triage's own measure (/metrics): ${acked.reduce((n, a) => n + a.within, 0)} of ${acked.reduce((n, a) => n + a.all, 0)} Slack requests answered within 2.5 s (Slack wants 3 s), event-loop lag p99 ${acked.map((a) => `${a.lag} s`).join(' and ')}`,
    );
    const bad = sent.filter((s) => s.status === 0 || s.status >= 500 || (s.kind !== 'console' && s.status !== 200));
    report.check(bad.length === 0, `every request got an HTTP answer, none a 5xx or a dropped connection (${bad.length ? tally(bad.map((s) => `${s.kind} ${s.status || s.error}`)) : 'all answered'}; Slack 200, console ${tally(sent.filter((s) => s.kind === 'console').map((s) => s.status))})`);

    const [decided] = await seen.sql<Array<{ status: string; by: { name?: string; userId: string; platform: string }; outcome: string | null }>>`
      select status, decided_by as by, outcome from approvals where id = ${approvalId}`;
    const audit = await seen.sql<Array<{ outcome: string; actor: { userId: string; platform: string } }>>`
      select outcome, actor from audit_log where target = ${`approval:${approvalId}`}`;
    const decisions = audit.filter((r) => r.outcome === 'approved' || r.outcome === 'denied' || r.outcome === 'failed');
    report.check(
      (decided?.status === 'approved' || decided?.status === 'denied') && decisions.length === 1 && decisions[0]!.actor.userId === decided.by.userId,
      `one decision: approval #${approvalId} ${decided?.status} by ${decided?.by.platform}:${decided?.by.userId}; the audit log has ${decisions.length} decision (${tally(audit.map((r) => r.outcome))})`,
    );

    const [after] = await seen.sql<Array<{ limit: string }>>`select budget_limit_usd as limit from platform_routines where id = ${ROUTINE}`;
    const overrides = await seen.sql<Array<{ n: string }>>`select count(*) as n from platform_idempotency_keys where fingerprint like '["budget-override",%'`;
    const expected = decided?.status === 'approved' ? Number(before!.limit) + 5 : Number(before!.limit);
    report.check(
      Number(after!.limit) === expected && Number(overrides[0]!.n) === (decided?.status === 'approved' ? 1 : 0),
      `the platform heard it at most once: ${ROUTINE}'s limit $${Number(before!.limit)} → $${Number(after!.limit)}, ${overrides[0]!.n} budget override carried out`,
    );

    const answersOf = new Map<string, string[]>();
    for (const r of slack.responses) answersOf.set(r.click, [...(answersOf.get(r.click) ?? []), r.body.text ?? '']);
    const busy = (t: string) => t.startsWith('Triage is busy');
    const unanswered = [...distinct].filter((c) => !answersOf.has(c));
    const twice = [...answersOf.values()].filter((texts) => texts.filter((t) => !busy(t)).length > 1);
    report.check(unanswered.length === 0, `every distinct Slack click was answered through its response_url (${distinct.size - unanswered.length} of ${distinct.size}): ${tally(slack.responses.map((r) => kindOf(r.body.text ?? '')))}`);
    report.check(twice.length === 0, `no click was answered twice: redeliveries reached the core once (${twice.length} clicks with two answers)`);
    const consoleSaid = sent.filter((s) => s.kind === 'console').map((s) => s.said ?? '');
    const winners = [...slack.responses.map((r) => r.body.text ?? ''), ...consoleSaid].filter((t) => /^(Approved|Denied)\b/.test(t));
    report.check(winners.length === 1, `exactly one person was told their decision won (${winners.length}: "${winners.join('" | "').slice(0, 160)}"); console answers: ${tally(consoleSaid.map(kindOf))}`);

    const shown = await ui.waitFor('elena', (m) => m.id === card.id && m.card.actions.every((x) => x.id !== approve && x.id !== deny), 10_000);
    const updated = slack.calls.some((c) => c.method === 'chat.update' && c.fields.ts === messageTs && /approved|denied/i.test(c.fields.text ?? ''));
    report.check(shown !== undefined && updated, `the card shows the decision without its buttons, in the console and in Slack (chat.update of its message)`);
    report.check(running.every((r) => r.child.exitCode === null && r.child.signalCode === null), 'both replicas are still running');
  } finally {
    await stopAll(running);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

/** From a replica's /metrics: its POST /slack/events answers (all, and within `le` seconds) and its event-loop lag p99. */
async function slackAckedWithin(url: string, le: number): Promise<{ within: number; all: number; lag: string }> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const bucket = (bound: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('triage_http_request_duration_seconds_bucket{') && l.includes('route="/slack/events"') && l.includes(`le="${bound}"`))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
  const lag = /^triage_event_loop_lag_p99_seconds (\S+)$/m.exec(text)?.[1] ?? '?';
  return { within: bucket(String(le)), all: bucket('+Inf'), lag: Number.isFinite(Number(lag)) ? Number(lag).toFixed(2) : lag };
}

/** What an answer says, in a word, for the tallies. */
function kindOf(text: string): string {
  if (text.startsWith('Triage is busy')) return 'busy';
  if (/^(Approved|Denied)\b/.test(text)) return 'decided';
  if (text.startsWith('Already')) return 'already decided';
  if (/two-person rule/.test(text)) return 'own request';
  if (/needs the approver role|approver/.test(text)) return 'not an approver';
  if (text === 'action_not_on_card') return 'button gone (409)';
  return text.slice(0, 40) || 'empty';
}
