import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInteractions } from '../../src/actions/interactions.js';
import { buildActionId } from '../../src/chat/action-id.js';
import type { MessageRef } from '../../src/chat/interactions.js';
import { createCommands } from '../../src/commands/index.js';
import { findEntry } from '../../src/insights/catalog/index.js';
import { evaluate } from '../../src/insights/evaluate.js';
import type { Insight } from '../../src/insights/insight.js';
import { createInsightLifecycle } from '../../src/insights/lifecycle.js';
import { emptySnapshot } from '../../src/insights/platform-snapshot.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { NOW, stored, windowOf } from '../support/signals.js';
import { unusedCommandDeps } from '../commands/support.js';

const message: MessageRef = { platform: 'console', channel: 'ops', messageId: '1' };
const james = { platform: 'console' as const, userId: 'james', name: 'James' };
const priya = { platform: 'console' as const, userId: 'priya', name: 'Priya' };

describe('clicks and commands through the core', () => {
  let database: TestDatabase;
  const published: Insight[] = [];
  let interactions: ReturnType<typeof createInteractions>;
  let insightId: number;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    const lifecycle = createInsightLifecycle({ database, publisher: async (i) => void published.push(...i), suppressMinutes: 60 });
    interactions = createInteractions({ commands: createCommands(unusedCommandDeps), lifecycle, suppressMinutes: 60, now: () => new Date(NOW) });
    const entry = findEntry('runtime_execution_failures')!;
    const events = [1, 2, 3].map((m) => stored('runtime.execution_failed', m, { runtime: 'bash-runtime-mike', reason: 'oom' }));
    await lifecycle.reconcile(evaluate([entry], { window: windowOf(events), platform: emptySnapshot(), now: NOW }), new Date(NOW));
    insightId = published[0]!.id;
  });
  afterAll(async () => database?.drop());

  const dismissId = () => buildActionId({ action: 'dismiss', subject: { kind: 'insight', id: String(insightId) } });

  it('Acknowledge marks the insight as someone is on it, once', async () => {
    const ack = buildActionId({ action: 'acknowledge', subject: { kind: 'insight', id: String(insightId) } });
    const reply = await interactions.click({ actionId: ack, actor: priya, message });
    expect(reply.text).toMatch(/^Acknowledged ".*": the channel sees you are on it\.$/);
    expect(published.at(-1)).toMatchObject({ id: insightId, status: 'acknowledged', acknowledgedBy: 'Priya' });
    expect((await interactions.click({ actionId: ack, actor: james, message })).text).toBe('Already acknowledged by Priya.');
  });

  it('Dismiss changes the insight and its card, and answers the clicker privately', async () => {
    const reply = await interactions.click({ actionId: dismissId(), actor: james, message });
    expect(reply.visibility).toBe('private');
    expect(reply.text).toMatch(/^Dismissed ".*" as James; it stays quiet for 60 minutes/);
    expect(published.at(-1)).toMatchObject({ id: insightId, status: 'dismissed', dismissedBy: 'James' });
    const rows = await database.query<{ status: string }>(sql`select status from insights where id = ${insightId}`);
    expect(rows[0]!.status).toBe('dismissed');
  });

  it('a second click, by anyone, is told who dismissed it first, and changes nothing', async () => {
    const before = published.length;
    const reply = await interactions.click({ actionId: dismissId(), actor: priya, message });
    expect(reply.text).toBe('Already dismissed by James at 15:00 UTC.');
    expect(published.length).toBe(before);
  });

  it('answers a forged or unknown button clearly and does nothing', async () => {
    expect((await interactions.click({ actionId: 'drop table insights', actor: james, message })).text).toContain('does not recognise that button');
    const noInsight = buildActionId({ action: 'dismiss', subject: { kind: 'insight', id: '999999' } });
    expect((await interactions.click({ actionId: noInsight, actor: james, message })).text).toContain('no longer exists');
    const restart = buildActionId({ action: 'restart_runtime', subject: { kind: 'insight', id: String(insightId) }, target: { kind: 'runtime', id: 'bash-runtime-mike' } });
    expect((await interactions.click({ actionId: restart, actor: james, message })).text).toContain('Nothing was done');
  });

  it('routes commands to the registry', async () => {
    const reply = await interactions.command({ command: '/nope', text: '', actor: james, channel: 'ops', platform: 'console' });
    expect(reply).toEqual({ visibility: 'private', text: 'Unknown command /nope. Triage knows /triage, /doctor, /budget, /audit, /incident, /postmortem, /improve; try /triage help.' });
  });
});
