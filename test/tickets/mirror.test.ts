import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { listTickets } from '../../src/tickets/builtin.js';
import { fingerprintMarker, githubTickets } from '../../src/tickets/github.js';
import { mirroredTickets, SEARCH_LAG_MS } from '../../src/tickets/mirror.js';
import type { TicketDraft } from '../../src/tickets/port.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';

/** GitHub behind msw, the mirror in PGlite: what the console and the digest see of GitHub issues. */
const API = 'http://github.test';
type Issue = { number: number; title: string; body: string; state: 'open' | 'closed'; indexed?: boolean };
const issues: Issue[] = [];
/** GitHub's search index trails its writes: while this is on, a new issue is not searchable yet. */
let searchLags = false;
const gets: number[] = [];
const json = (i: Issue) => ({ ...i, html_url: `https://github.com/team-x/platform/issues/${i.number}`, labels: [] });

const server = setupServer(
  http.get(`${API}/search/issues`, ({ request }) => {
    const phrase = /"([^"]+)"/.exec(new URL(request.url).searchParams.get('q') ?? '')?.[1] ?? '';
    const hits = issues.filter((i) => i.state === 'open' && i.body.includes(phrase) && i.indexed !== false);
    return HttpResponse.json({ total_count: hits.length, incomplete_results: false, items: hits.map(json) });
  }),
  http.post(`${API}/repos/team-x/platform/issues`, async ({ request }) => {
    const body = (await request.json()) as { title: string; body: string };
    const issue: Issue = { number: 61 + issues.length, title: body.title, body: body.body, state: 'open', indexed: !searchLags };
    issues.push(issue);
    return HttpResponse.json(json(issue), { status: 201 });
  }),
  http.get(`${API}/repos/team-x/platform/issues/:number`, ({ params }) => {
    gets.push(Number(params.number));
    const issue = issues.find((i) => i.number === Number(params.number));
    return issue ? HttpResponse.json(json(issue)) : HttpResponse.json({ message: 'Not Found' }, { status: 404 });
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
  gets.length = 0;
  searchLags = false;
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
  // Reading what it filed recently and recording the new issue both failed: both are reported.
  expect(errors).toHaveLength(2);
});

it('does not file again what it filed a moment ago, while GitHub\'s search has not indexed it yet', async () => {
  searchLags = true;
  const tickets = mirroredTickets(github(), database.db);
  expect((await tickets.create(draft)).ok).toBe(true);
  // The second /improve: search finds nothing, the mirror remembers #61 and GitHub confirms it open.
  const open = await tickets.findOpen([draft.fingerprint]);
  expect(open.ok && open.value.map((t) => [t.id, t.status])).toEqual([['61', 'open']]);
  const again = await tickets.create(draft);
  expect(again.ok && again.value.id).toBe('61');
  expect(issues).toHaveLength(1);
  expect(gets).toEqual([61, 61]);
  expect((await listTickets(database.db, { status: 'open' })).map((t) => t.id)).toEqual(['61']);
});

it('a just-filed issue closed on GitHub before search indexed it is closed in the mirror too', async () => {
  searchLags = true;
  const tickets = mirroredTickets(github(), database.db);
  await tickets.create(draft);
  issues[0]!.state = 'closed';
  expect(await tickets.findOpen([draft.fingerprint])).toEqual({ ok: true, value: [] });
  expect((await listTickets(database.db, { status: 'closed' })).map((t) => t.id)).toEqual(['61']);
});

it('a just-filed issue deleted on GitHub (404), or whose marker was edited away, is not taken as open', async () => {
  searchLags = true;
  const tickets = mirroredTickets(github(), database.db);
  await tickets.create(draft);
  issues[0]!.body = 'Rewritten by hand, marker gone.';
  expect(await tickets.findOpen([draft.fingerprint])).toEqual({ ok: true, value: [] });
  const again = await tickets.create(draft);
  expect(again.ok && again.value.id).toBe('62');
  issues.length = 0;
  expect(await tickets.findOpen([draft.fingerprint])).toEqual({ ok: true, value: [] });
  expect(await listTickets(database.db, { status: 'open' })).toEqual([]);
});

it('past the search lag, search alone decides', async () => {
  let clock = Date.parse('2026-11-24T10:00:00Z');
  const tickets = mirroredTickets(github(), database.db, { now: () => clock });
  searchLags = true;
  await tickets.create(draft);
  clock += SEARCH_LAG_MS + 1;
  expect(await tickets.findOpen([draft.fingerprint])).toEqual({ ok: true, value: [] });
  expect(gets).toEqual([]);
});
