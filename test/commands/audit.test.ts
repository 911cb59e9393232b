import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestAudit, recordAudit } from '../../src/audit/log.js';
import { createCommands } from '../../src/commands/index.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { unusedCommandDeps } from './support.js';

const sofia = { platform: 'slack' as const, userId: 'U0SOFIA', name: 'Sofia' };
const ctx = { actor: sofia, channel: 'ops', platform: 'slack' as const };
const james = { platform: 'slack' as const, userId: 'U0JAMES', name: 'James' };
const T0 = Date.parse('2026-05-03T15:00:00Z');

describe('/audit', () => {
  let database: TestDatabase;
  const audit = (args: string) => createCommands({ ...unusedCommandDeps, latestAudit: (n) => latestAudit(database.db, n) }).run('/audit', args, ctx);

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => database?.drop());

  it('says so when nobody has done anything yet', async () => {
    expect(await audit('')).toEqual({ visibility: 'private', text: 'The audit log is empty: nobody has pressed an action button or taken a decision yet.' });
  });

  it('lists the latest ten by default, newest first, privately, each as a sentence with who, what, how it ended and how long it took', async () => {
    for (let i = 0; i < 12; i++) {
      await recordAudit(database.db, { actor: james, action: 'restart_runtime', target: `runtime:rt-${i}`, outcome: 'started', at: new Date(T0 + i * 60_000) });
    }
    await recordAudit(database.db, {
      actor: james,
      action: 'restart_runtime',
      target: 'runtime:bash-runtime-mike',
      outcome: 'succeeded',
      detail: 'heartbeat detected ✅ after 4.2 s',
      durationMs: 4_237,
      at: new Date(T0 + 13 * 60_000),
    });
    const reply = await audit('');
    expect(reply.visibility).toBe('private');
    const lines = reply.text.split('\n');
    expect(lines[0]).toBe('*Audit log*, latest 10:');
    expect(lines).toHaveLength(11);
    expect(lines[1]).toBe('2026-05-03 15:13 UTC  ✅ James restarted runtime bash-runtime-mike (heartbeat back after 4.2 s) · took 4.2 s');
    expect(lines[2]).toBe('2026-05-03 15:11 UTC  ▶️ James started to restart runtime rt-11');
    expect(lines[10]).toMatch(/runtime rt-3$/);
  });

  it('/audit 3 lists the latest three', async () => {
    const lines = (await audit('3')).text.split('\n');
    expect(lines[0]).toBe('*Audit log*, latest 3:');
    expect(lines.slice(1).map((l) => l.split('  ')[1])).toEqual([
      '✅ James restarted runtime bash-runtime-mike (heartbeat back after 4.2 s) · took 4.2 s',
      '▶️ James started to restart runtime rt-11',
      '▶️ James started to restart runtime rt-10',
    ]);
  });

  it.each(['abc', '0', '51', '2.5', '-1', '1e1', '0x10', '3 rows'])('answers "/audit %s" with what it takes', async (args) => {
    expect(await audit(args)).toEqual({ visibility: 'private', text: `/audit takes a number of entries from 1 to 50, like /audit 20; "${args}" is not one.` });
  });

  it('accepts the bounds 1 and 50', async () => {
    expect((await audit('1')).text.split('\n')).toHaveLength(2);
    expect((await audit('50')).text.split('\n')[0]).toBe('*Audit log*, latest 13:');
  });
});
