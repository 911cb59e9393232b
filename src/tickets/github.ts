import { Octokit } from '@octokit/rest';
import type { IncidentsConfig } from '../config.js';
import type { Random } from '../resilience/backoff.js';
import { ok, type Result } from '../result.js';
import { callGitHub, type CallOptions } from './github-call.js';
import type { Ticket, TicketDraft, TicketError, Tickets } from './port.js';

/**
 * GitHub Issues as the tracker. Each issue body carries a fingerprint marker (an HTML comment,
 * invisible in the rendered issue, visible to whoever edits it), and dedupe searches for it:
 * GitHub has no field of its own for "the same preventive ticket".
 */
export type GitHubConfig = NonNullable<IncidentsConfig['github']>;

export type GitHubDeps = {
  fetch?: typeof fetch;
  random?: Random;
  sleep?: (ms: number) => Promise<void>;
  /** Deadline of one try (default 10 s) and tries per call (default 3). */
  timeoutMs?: number;
  attempts?: number;
};

const MARKER = /<!--\s*triage-fingerprint:\s*(\S+?)\s*-->/;

export const fingerprintMarker = (fingerprint: string): string => `<!-- triage-fingerprint: ${fingerprint} -->`;

/** The issue body: description, deliverables as a checklist, the suggested owner, then the marker. */
export function issueBody(draft: TicketDraft): string {
  return [
    draft.description,
    ...(draft.deliverables.length > 0 ? ['', '### Deliverables', ...draft.deliverables.map((d) => `- [ ] ${d}`)] : []),
    ...(draft.owner ? ['', `Suggested owner: ${draft.owner}`] : []),
    ...(draft.incidentId !== undefined ? [`Filed by Triage's improvement loop after incident #${draft.incidentId}.`] : []),
    '',
    fingerprintMarker(draft.fingerprint),
  ].join('\n');
}

type Issue = {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state?: string;
  labels?: Array<string | { name?: string }>;
  pull_request?: unknown;
};

function fromIssue(issue: Issue, fingerprint: string): Ticket {
  const body = issue.body ?? '';
  return {
    id: String(issue.number),
    url: issue.html_url,
    fingerprint,
    title: issue.title,
    description: body.replace(MARKER, '').trim(),
    labels: (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    deliverables: [],
    status: issue.state === 'closed' ? 'closed' : 'open',
    tracker: 'github',
  };
}

export function githubTickets(config: GitHubConfig, deps: GitHubDeps = {}): Tickets {
  const [owner, repo] = config.repository.split('/') as [string, string];
  const octokit = new Octokit({
    auth: config.token,
    baseUrl: (config.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'triage-improvement-loop',
    // Octokit logs deprecations to the console by default; we report through Results instead.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    ...(deps.fetch ? { request: { fetch: deps.fetch } } : {}),
  });
  const options: CallOptions = {
    repository: config.repository,
    token: config.token,
    timeoutMs: deps.timeoutMs ?? 10_000,
    attempts: deps.attempts ?? 3,
    baseMs: 500,
    capMs: 5_000,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  };

  /** The open issue carrying this exact marker; search matches words, so the marker is checked again. */
  const findOne = async (fingerprint: string): Promise<Result<Ticket | undefined, TicketError>> => {
    // A quote inside the phrase would end it early; our fingerprints are slugs, others are not trusted.
    const q = `is:issue is:open repo:${config.repository} in:body "triage-fingerprint: ${fingerprint.replace(/"/g, '')}"`;
    const found = await callGitHub('search for open improvement tickets', (signal) => octokit.rest.search.issuesAndPullRequests({ q, per_page: 20, request: { signal } }), options);
    if (!found.ok) return found;
    const issue = (found.value.data.items as Issue[]).find((i) => !i.pull_request && i.state !== 'closed' && MARKER.exec(i.body ?? '')?.[1] === fingerprint);
    return ok(issue ? fromIssue(issue, fingerprint) : undefined);
  };

  return {
    tracker: 'github',
    async findOpen(fingerprints) {
      const open: Ticket[] = [];
      // One search per fingerprint, in turn: the search API allows 30 calls a minute.
      for (const fingerprint of new Set(fingerprints)) {
        const found = await findOne(fingerprint);
        if (!found.ok) return found;
        if (found.value) open.push(found.value);
      }
      return ok(open);
    },
    async lookup(id, fingerprint) {
      const found = await callGitHub(`read issue #${id}`, (signal) => octokit.rest.issues.get({ owner, repo, issue_number: Number(id), request: { signal } }), options);
      if (!found.ok) return found.error.code === 'invalid' ? ok(undefined) : found;
      const issue = found.value.data as Issue;
      // Only the issue this fingerprint was filed as counts: a reused number or an edited marker does not.
      return ok(!issue.pull_request && MARKER.exec(issue.body ?? '')?.[1] === fingerprint ? fromIssue(issue, fingerprint) : undefined);
    },
    async create(draft) {
      const existing = await findOne(draft.fingerprint);
      if (!existing.ok) return existing;
      if (existing.value) return ok(existing.value);
      const created = await callGitHub(
        `create the issue "${draft.title}"`,
        (signal) => octokit.rest.issues.create({ owner, repo, title: draft.title, body: issueBody(draft), labels: draft.labels, request: { signal } }),
        options,
      );
      if (!created.ok) return created;
      return ok({ ...draft, id: String(created.value.data.number), url: created.value.data.html_url, status: 'open', tracker: 'github' });
    },
  };
}
