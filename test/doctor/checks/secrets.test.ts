import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secretsCheck, type ChatProbe, type SecretsCheckDeps } from '../../../src/doctor/checks/secrets.js';
import { checkEvent } from '../../../src/events/envelope.js';
import { createEventWriter } from '../../../src/intake/event-writer.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { err, ok } from '../../../src/result.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const NOW = new Date('2026-05-03T15:19:00.000Z');
const DAY = 86_400_000;
const GOOD_TOKEN = 'xoxb-good-1234567890';
const BAD_TOKEN = 'xoxb-revoked-0987654321';
const ctx = (signal = new AbortController().signal) => ({ signal, now: NOW });

/** Answers like Slack's auth.test: ok with the workspace for the good token, invalid_auth otherwise. */
function startSlack(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/api/hang') return; // never answers: for the deadline test
    const good = req.headers.authorization === `Bearer ${GOOD_TOKEN}`;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(good ? { ok: true, team: 'Team X', team_id: 'T0123ABC' } : { ok: false, error: 'invalid_auth' }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

/** What the Slack adapter will pass in: auth.test with the bot token. */
const slackProbe = (url: string, token: string): ChatProbe => ({
  name: 'Slack bot token',
  async probe(signal) {
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal });
    const body = (await res.json()) as { ok: boolean; team_id?: string; error?: string };
    return body.ok ? ok(`workspace ${body.team_id}`) : err(body.error ?? 'unknown error');
  },
});

describe.each(oneDatabaseKind())('secrets check (%s)', (kind) => {
  let database: TestDatabase;
  let slack: { server: Server; url: string };
  beforeAll(async () => {
    slack = await startSlack();
  });
  afterAll(async () => {
    slack.server.closeAllConnections();
    await new Promise((resolve) => slack.server.close(resolve));
  });
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    return () => database.drop();
  });

  const deps = (over: Partial<SecretsCheckDeps> = {}): SecretsCheckDeps => ({
    required: ['OPENAI_API_KEY', 'SLACK_BOT_TOKEN', 'TRIAGE_INGEST_TOKEN'],
    present: new Set(['OPENAI_API_KEY', 'SLACK_BOT_TOKEN', 'TRIAGE_INGEST_TOKEN', 'UNRELATED']),
    database,
    warnDays: 7,
    chatProbes: [slackProbe(`${slack.url}/api/auth.test`, GOOD_TOKEN)],
    now: () => NOW.getTime(),
    ...over,
  });

  /** Stores credential.expiry events through the intake's own writer. */
  const store = async (entries: Array<{ credential: string; expiresAt: number; occurredAt?: number }>) => {
    const writer = createEventWriter(database, { maxRowsPerFlush: 100 });
    const events = entries.map((e, i) => {
      const raw = {
        id: `exp-${e.credential}-${i}`,
        type: 'credential.expiry',
        source: 'platform',
        occurredAt: new Date(e.occurredAt ?? NOW.getTime() - 60_000).toISOString(),
        attributes: { credential: e.credential, expiresAt: new Date(e.expiresAt).toISOString() },
      };
      const checked = checkEvent(raw, i);
      if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
      return checked.event;
    });
    await writer.write(events);
  };

  it('passes with every required secret set and the Slack token accepted', async () => {
    const check = secretsCheck(deps());
    expect(check).toMatchObject({ section: 'secrets', name: 'Secrets' });
    expect(await check.run(ctx())).toEqual({
      status: 'pass',
      summary: '3 required secrets present',
      details: ['Slack bot token valid (workspace T0123ABC)'],
      actions: [],
    });
  });

  it('fails naming the missing secrets, and asks for them to be set', async () => {
    const finding = await secretsCheck(deps({ present: new Set(['SLACK_BOT_TOKEN']) })).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('missing: OPENAI_API_KEY, TRIAGE_INGEST_TOKEN');
    expect(finding.actions).toEqual([{ kind: 'credential_expiring', text: 'Set OPENAI_API_KEY, TRIAGE_INGEST_TOKEN', buttons: [] }]);
  });

  it('fails when Slack rejects the token, without ever printing a token', async () => {
    const finding = await secretsCheck(deps({ chatProbes: [slackProbe(`${slack.url}/api/auth.test`, BAD_TOKEN)] })).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('Slack bot token rejected: invalid_auth');
    expect(JSON.stringify(finding)).not.toContain('xoxb');
  });

  it('warns of a credential expiring within warnDays, and fails on one already expired', async () => {
    await store([
      { credential: 'github-app-private-key', expiresAt: NOW.getTime() + 3 * DAY + 3_600_000 },
      { credential: 'openai-api-key', expiresAt: NOW.getTime() + 20 * DAY },
    ]);
    const warned = await secretsCheck(deps()).run(ctx());
    expect(warned.status).toBe('warning');
    expect(warned.summary).toBe('credential github-app-private-key expires in 3 days');
    expect(warned.actions).toEqual([{ kind: 'credential_expiring', text: 'Rotate github-app-private-key', buttons: [] }]);

    await store([{ credential: 'jira-api-token', expiresAt: NOW.getTime() - 2 * DAY - 60_000 }]);
    const failed = await secretsCheck(deps()).run(ctx());
    expect(failed.status).toBe('fail');
    expect(failed.summary).toBe('2 problems');
    expect(failed.details).toEqual([
      'credential jira-api-token expired 2 days ago',
      'credential github-app-private-key expires in 3 days',
      'Slack bot token valid (workspace T0123ABC)',
    ]);
    expect(failed.actions[0]!.text).toBe('Rotate github-app-private-key, jira-api-token');
  });

  it('judges each credential by its latest expiry event: a rotation clears it', async () => {
    await store([
      { credential: 'jira-api-token', expiresAt: NOW.getTime() + 90 * DAY, occurredAt: NOW.getTime() - 60_000 },
      { credential: 'jira-api-token', expiresAt: NOW.getTime() - DAY, occurredAt: NOW.getTime() - 2 * DAY },
    ]);
    expect((await secretsCheck(deps()).run(ctx())).status).toBe('pass');
  });

  it('reads the credential-expiring scenario: GitHub key within the week, Jira token expired', async () => {
    const writer = createEventWriter(database, { maxRowsPerFlush: 100 });
    const events = findScenario('credential-expiring')!.build(NOW).map(({ event }, i) => checkEvent(event, i));
    await writer.write(events.flatMap((c) => (c.ok ? [c.event] : [])));
    const finding = await secretsCheck(deps()).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.details.slice(0, 2)).toEqual([
      'credential jira-api-token expired 5 min ago',
      'credential github-app-private-key expires in 1 day',
    ]);
  });

  it('passes the deadline to the probe and reports a probe that could not answer', async () => {
    const controller = new AbortController();
    const check = secretsCheck(deps({ chatProbes: [slackProbe(`${slack.url}/api/hang`, GOOD_TOKEN)] }));
    setTimeout(() => controller.abort(new Error('doctor deadline')), 50);
    const finding = await check.run(ctx(controller.signal));
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('Slack bot token could not be checked: doctor deadline');
  });

  it('with nothing required, no chat token and no expiry reported, warns with the line to add instead of passing', async () => {
    const finding = await secretsCheck(deps({ required: [], chatProbes: [] })).run(ctx());
    expect(finding).toMatchObject({ status: 'warning', summary: 'no required secrets configured' });
    expect(finding.details).toEqual(['add to triage.config.yml under doctor: requiredSecrets: [OPENAI_API_KEY, ANTHROPIC_API_KEY]']);
  });

  it('still reports secrets and probes when expiry events cannot be read', async () => {
    await database.query(sql`drop table events`);
    const finding = await secretsCheck(deps()).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toMatch(/^credential expiry unknown: /);
    expect(finding.details).toEqual(['Slack bot token valid (workspace T0123ABC)']);
  });
});
