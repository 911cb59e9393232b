import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/actor.js';
import { copyDoctorReport, rerunDoctor } from '../../src/actions/doctor-buttons.js';
import { createInteractions } from '../../src/actions/interactions.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { createOutbox } from '../../src/chat/outbox/index.js';
import { createCommands } from '../../src/commands/index.js';
import type { DoctorCheck, Finding } from '../../src/doctor/check.js';
import { scheduledDoctor } from '../../src/doctor/schedule.js';
import { createDoctor, type Doctor } from '../../src/doctor/service.js';
import { findEntry } from '../../src/insights/catalog/index.js';
import { createInsightLifecycle } from '../../src/insights/lifecycle.js';
import { createFakeChat } from '../chat/support/fake-chat.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { unusedCommandDeps } from '../commands/support.js';

const mike: Actor = { platform: 'console', userId: 'mike', name: 'Mike' };
const ctx = { actor: mike, channel: 'ops', platform: 'console' as const };

const mcpDown: DoctorCheck = {
  section: 'mcp',
  name: 'MCP health',
  run: async (): Promise<Finding> => ({
    status: 'fail',
    summary: '1 of 3 MCP servers timeout',
    details: ['• database-query (connection pool exhausted)'],
    actions: [
      {
        kind: 'mcp_pool_exhausted',
        text: 'Fix MCP server (database-query connection pool)',
        buttons: [{ action: 'restart_mcp_server', label: 'Restart database-query', target: { kind: 'mcp_server', id: 'database-query' } }],
      },
    ],
  }),
};
const dbFine: DoctorCheck = { section: 'db', name: 'Database integrity', run: async () => ({ status: 'pass', details: [], actions: [] }) };

describe.each(oneDatabaseKind())('Doctor use case on %s', (kind) => {
  let database: TestDatabase;
  let doctor: Doctor;
  let healthy = false;
  const switchable: DoctorCheck = { ...mcpDown, run: (c) => (healthy ? dbFine.run(c) : mcpDown.run(c)) };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    doctor = createDoctor({ db: database.db, checks: [dbFine, switchable], timeoutMs: 1_000, rankOf: (k) => findEntry(k)?.recoveryRank });
  });
  afterAll(() => database.drop());

  const commands = () => createCommands({ ...unusedCommandDeps, runDoctor: (input) => doctor.run({ ...input, trigger: 'command' }) });

  it('/doctor posts the report in the channel with the fix, Re-run and Copy report buttons', async () => {
    healthy = false;
    const reply = await commands().run('/doctor', '', ctx);
    expect(reply.visibility).toBe('channel');
    expect(reply.text).toBe('Doctor: CRITICAL (1 fail)');
    expect(reply.card!.text).toContain('❌ MCP health — FAIL (1 of 3 MCP servers timeout)');
    expect(reply.card!.text).toContain('1. Fix MCP server (database-query connection pool)');
    const actions = reply.card!.actions.map((a) => parseActionId(a.id));
    expect(actions.map((a) => a.ok && a.value.action)).toEqual(['restart_mcp_server', 'rerun_doctor', 'copy_doctor_report']);
    expect(reply.card!.context).toContain('asked by Mike');
  });

  it('/doctor <section> runs only that section; an unknown one is answered privately with the valid ones', async () => {
    const only = await commands().run('/doctor', 'database', ctx);
    expect(only.card!.title).toBe('Doctor Report (db)');
    expect(only.card!.text).not.toContain('MCP health');
    const wrong = await commands().run('/doctor', 'db frobs', ctx);
    expect(wrong).toEqual({
      visibility: 'private',
      text: '/doctor does not know "frobs". Valid sections: db, backup, runtimes, secrets, providers, mcp, budget, triage. For example: /doctor mcp runtimes, or /doctor for everything.',
    });
    const help = await commands().run('/doctor', 'help', ctx);
    expect(help.visibility).toBe('private');
    expect(help.text).toContain('*mcp* — each MCP server: initialize and ping');
  });

  it('Re-run runs the same sections again and reports what is true now; Copy report sends plain text privately', async () => {
    healthy = false;
    const first = await doctor.run({ requestedBy: mike, trigger: 'command', sections: ['mcp'] });
    healthy = true;
    const again = await rerunDoctor(doctor, { runId: first.runId, actor: { ...mike, name: 'Priya', userId: 'priya' } });
    expect(again.visibility).toBe('channel');
    expect(again.card!.title).toBe('Doctor Report (mcp)');
    expect(again.text).toContain('HEALTHY');
    expect(again.card!.context).toContain('asked by Priya');

    const copy = await copyDoctorReport(doctor, { runId: first.runId });
    expect(copy.visibility).toBe('private');
    expect(copy.text).toContain(`Doctor Report #${first.runId}`);
    expect(copy.text).toContain('MCP health — FAIL (1 of 3 MCP servers timeout)');
    expect(copy.text).not.toContain('❌');
  });

  it('the buttons reach Doctor through the core interactions; an unknown run gets a clear answer', async () => {
    const lifecycle = createInsightLifecycle({ database, publisher: async () => {}, suppressMinutes: 60 });
    const interactions = createInteractions({ commands: commands(), lifecycle, doctor, suppressMinutes: 60 });
    const report = await doctor.run({ requestedBy: mike, trigger: 'command', sections: [] });
    const copyId = report && `v1|copy_doctor_report|doctor_run:${report.runId}`;
    const message = { platform: 'console' as const, channel: 'ops', messageId: 'm1' };
    const copied = await interactions.click({ actionId: copyId, actor: mike, message });
    expect(copied.text).toContain(`Doctor Report #${report.runId}`);
    const missing = await interactions.click({ actionId: 'v1|rerun_doctor|doctor_run:999999', actor: mike, message });
    expect(missing).toEqual({ visibility: 'private', text: 'Doctor run #999999 is not on record any more. Type /doctor for a fresh report.' });
  });

  it('the scheduled run posts through the outbox only when something is not PASS, unless told to always post', async () => {
    const chat = createFakeChat();
    const outbox = createOutbox({ database, ports: new Map([['slack', chat]]), options: { channelPostIntervalMs: 0 } });
    const deps = { doctor, outbox, platforms: () => ['slack' as const] };
    healthy = true;
    const quiet = await scheduledDoctor({ ...deps, schedule: { cron: '0 9 * * *', post: 'when_not_healthy', channel: 'ops' } });
    expect(quiet.posted).toBe(false);
    const always = await scheduledDoctor({ ...deps, schedule: { cron: '0 9 * * *', post: 'always', channel: 'ops' } });
    healthy = false;
    const alarm = await scheduledDoctor({ ...deps, schedule: { cron: '0 9 * * *', post: 'when_not_healthy', channel: 'ops' } });
    await outbox.runOnce();
    const posts = chat.delivered().filter((c) => c.op === 'post');
    expect(posts.map((p) => p.card.title)).toEqual(['Doctor Report', 'Doctor Report']);
    // The outbox sends critical cards first: the alarm goes out before the "all clear".
    expect(posts.map((p) => [p.card.severity, p.card.context?.split(' · ').slice(0, 2).join(' · ')])).toEqual([
      ['critical', `Run #${alarm.report.runId} · asked by the Doctor schedule`],
      ['info', `Run #${always.report.runId} · asked by the Doctor schedule`],
    ]);
  });
});

describe('Doctor during an incident', () => {
  it('answers people who ask while the same check is running with that run, probing once', async () => {
    const database = await openTestDatabase('pglite');
    try {
      let probes = 0;
      const slow: DoctorCheck = {
        section: 'mcp',
        name: 'MCP health',
        run: async () => {
          probes++;
          await new Promise((r) => setTimeout(r, 100));
          return { status: 'pass', details: [], actions: [] };
        },
      };
      const doctor = createDoctor({ db: database.db, checks: [slow], timeoutMs: 1_000, rankOf: () => undefined });
      const asks = await Promise.all(['mike', 'priya', 'james'].map((userId) => doctor.run({ requestedBy: { platform: 'slack', userId }, trigger: 'command', sections: [] })));
      expect(probes).toBe(1);
      expect(new Set(asks.map((r) => r.runId)).size).toBe(1);
      await doctor.run({ requestedBy: mike, trigger: 'command', sections: [] });
      expect(probes).toBe(2);
    } finally {
      await database.drop();
    }
  });
});
