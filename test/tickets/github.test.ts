import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintMarker, githubTickets, type GitHubDeps } from '../../src/tickets/github.js';
import type { TicketDraft } from '../../src/tickets/port.js';

/** GitHub's far side through msw: the search and issues endpoints of one repository. */
const TOKEN = 'ghp_test_token_that_must_never_leak_0123';
const API = 'http://github.test/api/v3';
const config = { token: TOKEN, repository: 'team-x/platform', apiUrl: API };
const SEARCH = `${API}/search/issues`;
const ISSUES = `${API}/repos/team-x/platform/issues`;

const draft: TicketDraft = {
  fingerprint: 'add-connection-backoff-logic-to-routines',
  title: 'Add connection backoff logic to routines',
  description: 'Routines created retry storms when the MCP server failed.\n\nEvidence from incident #2:\n- mcp pool exhausted (database-query): 5/5 in use.',
  labels: ['agent-improvement', 'self-improvement', 'reliability'],
  owner: 'Mike',
  deliverables: ['Backoff implementation', 'Unit tests for retry logic'],
  incidentId: 2,
};

const issue = (number: number, body: string, extra: Record<string, unknown> = {}) => ({
  number,
  html_url: `https://github.com/team-x/platform/issues/${number}`,
  title: draft.title,
  body,
  state: 'open',
  labels: [{ name: 'agent-improvement' }, { name: 'reliability' }],
  ...extra,
});
const searchResult = (items: unknown[]) => HttpResponse.json({ total_count: items.length, incomplete_results: false, items });
const noHits = () => searchResult([]);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Waits are recorded, not slept: the test sees the backoff without spending it. */
function tracker(deps: GitHubDeps = {}) {
  const waits: number[] = [];
  const tickets = githubTickets(config, { random: () => 0.5, sleep: async (ms) => void waits.push(ms), timeoutMs: 2_000, ...deps });
  return { tickets, waits };
}

type Posted = { title: string; body: string; labels: string[] };

describe('GitHub Issues as the tracker', () => {
  it('creates an issue with the labels, a deliverables checklist, the owner and the fingerprint marker', async () => {
    const posted: Posted[] = [];
    const searches: string[] = [];
    let auth: string | null = null;
    server.use(
      http.get(SEARCH, ({ request }) => {
        searches.push(new URL(request.url).searchParams.get('q') ?? '');
        return noHits();
      }),
      http.post(ISSUES, async ({ request }) => {
        auth = request.headers.get('authorization');
        posted.push((await request.json()) as Posted);
        return HttpResponse.json(issue(61, posted[0]!.body), { status: 201 });
      }),
    );
    const result = await tracker().tickets.create(draft);
    expect(result).toEqual({ ok: true, value: { ...draft, id: '61', url: 'https://github.com/team-x/platform/issues/61', status: 'open', tracker: 'github' } });
    expect(searches).toEqual(['is:issue is:open repo:team-x/platform in:body "triage-fingerprint: add-connection-backoff-logic-to-routines"']);
    expect(auth).toBe(`token ${TOKEN}`);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.title).toBe(draft.title);
    expect(posted[0]!.labels).toEqual(draft.labels);
    expect(posted[0]!.body).toContain(draft.description);
    expect(posted[0]!.body).toContain('### Deliverables\n- [ ] Backoff implementation\n- [ ] Unit tests for retry logic');
    expect(posted[0]!.body).toContain('Suggested owner: Mike');
    expect(posted[0]!.body.endsWith('<!-- triage-fingerprint: add-connection-backoff-logic-to-routines -->')).toBe(true);
  });

  it('finds the open issue by its marker and returns it instead of filing a duplicate', async () => {
    server.use(
      http.get(SEARCH, ({ request }) => {
        const q = new URL(request.url).searchParams.get('q') ?? '';
        if (!q.includes(draft.fingerprint)) return noHits();
        // Search matches words: an issue quoting a longer fingerprint, and a pull request, are not this ticket.
        return searchResult([
          issue(70, `${fingerprintMarker(`${draft.fingerprint}-v2`)}`),
          issue(71, fingerprintMarker(draft.fingerprint), { pull_request: { url: 'x' } }),
          issue(58, `Older text.\n\n${fingerprintMarker(draft.fingerprint)}`),
        ]);
      }),
      http.post(ISSUES, () => HttpResponse.json({ message: 'must not be called' }, { status: 500 })),
    );
    const { tickets } = tracker();
    const open = await tickets.findOpen([draft.fingerprint, 'implement-memory-monitoring-for-external-runtimes']);
    expect(open.ok && open.value.map((t) => [t.id, t.fingerprint, t.description, t.labels])).toEqual([
      ['58', draft.fingerprint, 'Older text.', ['agent-improvement', 'reliability']],
    ]);
    const created = await tickets.create(draft);
    expect(created.ok && created.value.id).toBe('58');
  });

  it('answers forbidden on 403, naming the missing permission and never the token', async () => {
    server.use(
      http.get(SEARCH, noHits),
      http.post(ISSUES, () => HttpResponse.json({ message: 'Resource not accessible by personal access token' }, { status: 403 })),
    );
    const { tickets, waits } = tracker();
    const result = await tickets.create(draft);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('forbidden');
    expect(result.error.message).toContain('GITHUB_TOKEN is missing the Issues: write permission on team-x/platform');
    expect(result.error.message).not.toContain(TOKEN);
    expect(waits).toEqual([]);
  });

  it('answers forbidden on 401 with what to fix', async () => {
    server.use(http.get(SEARCH, () => HttpResponse.json({ message: 'Bad credentials' }, { status: 401 })));
    const result = await tracker().tickets.findOpen([draft.fingerprint]);
    expect(!result.ok && result.error.code).toBe('forbidden');
    expect(!result.ok && result.error.message).toMatch(/GitHub rejected GITHUB_TOKEN \(401 Bad credentials\).*Issues: write/);
  });

  it('answers invalid on 422 with GitHub\'s reason, without retrying', async () => {
    server.use(
      http.get(SEARCH, noHits),
      http.post(ISSUES, () => HttpResponse.json({ message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'invalid', field: 'labels' }] }, { status: 422 })),
    );
    const { tickets, waits } = tracker();
    const result = await tickets.create(draft);
    expect(!result.ok && result.error.code).toBe('invalid');
    expect(!result.ok && result.error.message).toContain('GitHub refused to create the issue "Add connection backoff logic to routines" in team-x/platform (422');
    expect(waits).toEqual([]);
  });

  it('retries a 5xx with full-jitter backoff and files once GitHub recovers', async () => {
    let posts = 0;
    server.use(
      http.get(SEARCH, noHits),
      http.post(ISSUES, () => (++posts < 3 ? HttpResponse.json({ message: 'Server Error' }, { status: 502 }) : HttpResponse.json(issue(62, 'x'), { status: 201 }))),
    );
    const { tickets, waits } = tracker();
    const result = await tickets.create(draft);
    expect(result.ok && result.value.id).toBe('62');
    expect(posts).toBe(3);
    // random() = 0.5 over ceilings of 500 ms then 1000 ms.
    expect(waits).toEqual([250, 500]);
  });

  it('gives up after three tries of 5xx and says GitHub is unavailable', async () => {
    let searches = 0;
    server.use(
      http.get(SEARCH, () => {
        searches++;
        return HttpResponse.json({ message: 'Service Unavailable' }, { status: 503 });
      }),
    );
    const { tickets, waits } = tracker();
    const result = await tickets.findOpen([draft.fingerprint]);
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'GitHub failed to search for open improvement tickets (503) after 3 tries. Try again later; https://www.githubstatus.com shows outages.' },
    });
    expect(searches).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('gives each try a deadline and retries a GitHub that hangs', async () => {
    let searches = 0;
    server.use(
      http.get(SEARCH, async () => {
        searches++;
        await delay('infinite');
        return noHits();
      }),
    );
    const { tickets } = tracker({ timeoutMs: 50, attempts: 2 });
    const result = await tickets.findOpen([draft.fingerprint]);
    expect(!result.ok && result.error).toEqual({
      code: 'unavailable',
      message: 'GitHub did not answer within 0.05 s while trying to search for open improvement tickets after 2 tries. Try again later; https://www.githubstatus.com shows outages.',
    });
    expect(searches).toBe(2);
  });

  it('retries when the connection fails, and names the network error when it keeps failing', async () => {
    let searches = 0;
    server.use(
      http.get(SEARCH, () => {
        searches++;
        return HttpResponse.error();
      }),
    );
    const result = await tracker().tickets.findOpen([draft.fingerprint]);
    expect(!result.ok && result.error.code).toBe('unavailable');
    expect(!result.ok && result.error.message).toMatch(/^GitHub failed to search for open improvement tickets \(network error: .+\) after 3 tries\./);
    expect(searches).toBe(3);
  });

  it('treats a 403 rate limit as unavailable, not as a missing permission', async () => {
    server.use(
      http.get(SEARCH, () => HttpResponse.json({ message: 'API rate limit exceeded for user ID 1.' }, { status: 403, headers: { 'x-ratelimit-remaining': '0' } })),
    );
    const { tickets, waits } = tracker();
    const result = await tickets.findOpen([draft.fingerprint]);
    expect(!result.ok && result.error.code).toBe('unavailable');
    expect(!result.ok && result.error.message).toContain('rate limit');
    expect(waits).toHaveLength(2);
  });
});
