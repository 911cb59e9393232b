import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { listTickets } from '../../src/tickets/builtin.js';
import { fingerprintMarker, githubTickets } from '../../src/tickets/github.js';
import { mirroredTickets } from '../../src/tickets/mirror.js';
import type { TicketDraft } from '../../src/tickets/port.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';

/** GitHub behind msw, the mirror in PGlite: what the console and the digest see of GitHub issues. */
const API = 'http://github.test';
type Issue = { number: number; title: string; body: string; state: 'open' | 'closed' };
const issues: Issue[] = [];
const json = (i: Issue) => ({ ...i, html_url: `https://github.com/team-x/platform/issues/${i.number}`, labels: [] });

const server = setupServer(
  http.get(`${API}/search/issues`, ({ request }) => {
    const phrase = /"([^"]+)"/.exec(new URL(request.url).searchParams.get('q') ?? '')?.[1] ?? '';
    const hits = issues.filter((i) => i.state === 'open' && i.body.includes(phrase));
    return HttpResponse.json({ total_count: hits.length, incomplete_results: false, items: hits.map(json) });
  }),
  http.post(`${API}/repos/team-x/platform/issues`, async ({ request }) => {
    const body = (await request.json()) as { title: string; body: string };
    const issue: Issue = { number: 61 + issues.length, title: body.title, body: body.body, state: 'open' };
    issues.push(issue);
    return HttpResponse.json(json(issue), { status: 201 });
  }),
);

let database: TestDatabase;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  database = await openTestDatabase('pglite');
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await database.drop();
});
beforeEach(async () => {
  issues.length = 0;
  await database.query(sql`delete from tickets`);
});

const draft: TicketDraft = {
  fingerprint: 'add-connection-backoff-logic-to-routines',
  title: 'Add connection backoff logic to routines',
  description: 'Backoff.',
  labels: ['agent-improvement'],
  owner: 'Mike',
  deliverables: ['Backoff implementation'],
  incidentId: 2,
};

const github = () => githubTickets({ token: 'ghp_secret', repository: 'team-x/platform', apiUrl: API }, { sleep: async () => {} });

it('copies filed GitHub issues into the tickets table under their issue number', async () => {
  const created = await mirroredTickets(github(), database.db).create(draft);
  expect(created.ok && created.value.id).toBe('61');
  expect(await listTickets(database.db)).toEqual([
    { ...draft, id: '61', url: 'https://github.com/team-x/platform/issues/61', status: 'open', tracker: 'github' },
  ]);
});

it('marks a mirrored ticket closed once GitHub no longer reports it open, and files a new one next time', async () => {
  const tickets = mirroredTickets(github(), database.db);
  await tickets.create(draft);
  issues[0]!.state = 'closed';
  expect(await tickets.findOpen([draft.fingerprint])).toEqual({ ok: true, value: [] });
  expect((await listTickets(database.db, { status: 'closed' })).map((t) => t.id)).toEqual(['61']);
  const again = await tickets.create(draft);
  expect(again.ok && again.value.id).toBe('62');
  expect((await listTickets(database.db, { status: 'open' })).map((t) => t.id)).toEqual(['62']);
});

it('mirrors issues found open on GitHub that Triage did not file itself', async () => {
  issues.push({ number: 58, title: draft.title, body: `Filed by hand.\n\n${fingerprintMarker(draft.fingerprint)}`, state: 'open' });
  await mirroredTickets(github(), database.db).findOpen([draft.fingerprint]);
  expect((await listTickets(database.db)).map((t) => [t.id, t.tracker, t.status])).toEqual([['58', 'github', 'open']]);
});

it('still returns the GitHub ticket when the mirror cannot write, and says why', async () => {
  const broken = await openTestDatabase('pglite');
  await broken.drop();
  const errors: unknown[] = [];
  const created = await mirroredTickets(github(), broken.db, { onError: (e) => errors.push(e) }).create(draft);
  expect(created.ok && created.value.id).toBe('61');
  expect(errors).toHaveLength(1);
});
