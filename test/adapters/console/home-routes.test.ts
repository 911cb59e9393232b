import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../../adapters/console/index.js';
import type { HomeView } from '../../../src/home/view.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../../support/triage.js';
import { postJson } from './support.js';

type HomeAnswer = { viewer: string; view: HomeView };
const section = (view: HomeView, key: string) => view.sections.find((s) => s.key === key)!;
const labels = (view: HomeView) => view.sections.flatMap((s) => s.items.flatMap((i) => i.actions.map((a) => a.label)));

/**
 * The console's Home view over real HTTP against a real Triage (the seed story played through its
 * intake, the console's demo roles: Elena, a tech lead, approves; James responds).
 */
describe.each(oneDatabaseKind())('the console Home view on %s', (kind) => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage(kind, {}, { adapters: [createConsoleAdapter] });
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
  }, 120_000);
  afterAll(async () => {
    await triage?.close();
  });

  const home = async (as: string) => {
    const res = await fetch(`${triage.url}/console/api/home?as=${as}`);
    expect(res.status).toBe(200);
    return (await res.json()) as HomeAnswer;
  };
  const limitOf = async (routine: string) => {
    const routines = await triage.platform.listRoutines();
    return routines.ok ? routines.value.find((r) => r.id === routine)?.budgetLimitUsd : undefined;
  };
  const approveOf = (view: HomeView) => section(view, 'approvals').items.flatMap((i) => i.actions).find((a) => a.label === 'Approve');

  it("GET /console/api/home gives the viewer's overview: the approver sees Approve and Deny, a responder sees who can decide", async () => {
    const elena = await home('elena');
    expect(elena.viewer).toBe('elena');
    expect(section(elena.view, 'incidents').items.length).toBeGreaterThan(0);
    expect(section(elena.view, 'insights').items.map((i) => i.title).join(' ')).toContain('bash-runtime-mike');
    expect(section(elena.view, 'approvals').items.map((i) => i.title)).toContain('Budget override: daily-code-review');
    expect(labels(elena.view)).toEqual(expect.arrayContaining(['Approve', 'Deny']));
    const james = await home('james');
    expect(labels(james.view)).not.toContain('Approve');
    expect(section(james.view, 'approvals').note).toMatch(/^Only approvers can decide these: .*console:elena/);
  });

  it('refuses an unknown person and a malformed query', async () => {
    const unknown = await fetch(`${triage.url}/console/api/home?as=nobody`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/nobody/);
    expect((await fetch(`${triage.url}/console/api/home`)).status).toBe(400);
  });

  it("a Home button not on the person's own view is refused through the click route, and nothing changes", async () => {
    const approve = approveOf((await home('elena')).view)!;
    const before = await limitOf('daily-code-review');
    const res = await postJson(`${triage.url}/console/api/click`, { from: 'home', actionId: approve.id, personId: 'james' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no longer on your Home view/);
    expect(await limitOf('daily-code-review')).toBe(before);
    const mixed = await postJson(`${triage.url}/console/api/click`, { from: 'home', actionId: approve.id, personId: 'elena', channel: 'ops', messageId: '1' });
    expect(mixed.status).toBe(400);
  });

  it("the approver's Approve on Home approves the override once, tells her, and answers with Home without it", async () => {
    const approve = approveOf((await home('elena')).view)!;
    const before = await limitOf('daily-code-review');
    const res = await postJson(`${triage.url}/console/api/click`, { from: 'home', actionId: approve.id, personId: 'elena' });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { reply: { text: string }; message: { channel: string; visibleTo: string } | null; view: HomeView };
    expect(answer.reply.text).toMatch(/^Approved/);
    expect(answer.message).toMatchObject({ channel: 'ops', visibleTo: 'elena' });
    expect(section(answer.view, 'approvals').items.map((i) => i.title)).not.toContain('Budget override: daily-code-review');
    expect(await limitOf('daily-code-review')).toBe(before! + 5);
    // The old button again (a stale page): it is gone from Home, so nothing runs twice.
    const again = await postJson(`${triage.url}/console/api/click`, { from: 'home', actionId: approve.id, personId: 'elena' });
    expect(again.status).toBe(409);
    expect(await limitOf('daily-code-review')).toBe(before! + 5);
  });
});
