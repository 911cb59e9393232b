import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentGaps, startPresence, type Presence } from '../../src/cluster/presence.js';
import { downtimePart } from '../../src/doctor/checks/triage-itself-downtime.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const quiet = { warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(databaseKinds())("recording Triage's own downtime (%s)", (kind) => {
  let database: TestDatabase;
  const running: Presence[] = [];
  const replica = (id: string, beatMs = 200) => {
    const presence = startPresence({ database, replicaId: id, beatMs, logger: quiet });
    presence.stop(); // beats are driven by the test
    running.push(presence);
    return presence;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    for (const p of running) p.stop();
    await database?.drop();
  });

  it('records nothing on a first start, nor while some replica keeps beating', async () => {
    const a = replica('a');
    expect(await a.beat()).toBeUndefined();
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      expect(await a.beat()).toBeUndefined();
    }
    expect(await recentGaps(database, new Date(0))).toEqual([]);
    expect((await downtimePart(database, new Date())).status).toBe('pass');
  });

  it('records one gap when every replica was silent for more than two beats, however many come back at once', async () => {
    // beatMs 200: a silence over 1.4 s (two beats and a second) is downtime.
    await sleep(1_600);
    const back = await Promise.all([replica('b').beat(), replica('c').beat(), replica('a').beat()]);
    const recorded = back.filter(Boolean);
    expect(recorded).toHaveLength(1);
    const gaps = await recentGaps(database, new Date(0));
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.to - gaps[0]!.from).toBeGreaterThan(1_400);

    // /doctor says so, in words, while the grace lasts.
    const part = await downtimePart(database, new Date());
    expect(part.status).toBe('warning');
    expect(part.headline).toBe('Triage itself was down recently');
    expect(part.details.join('\n')).toMatch(/no replica was accepting events from .* UTC to .* UTC \(\d+ s\): whatever the platform sent then was lost/);
    // Half an hour later it is history, not news.
    expect((await downtimePart(database, new Date(Date.now() + 31 * 60_000))).status).toBe('pass');
  });
});
