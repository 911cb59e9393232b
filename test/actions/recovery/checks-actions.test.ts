import { describe, expect, it } from 'vitest';
import type { Notifier, RecoveryDeps, RecoveryResult } from '../../../src/actions/recovery/action.js';
import { findRecoveryAction } from '../../../src/actions/recovery/index.js';
import type { CardInput } from '../../../src/chat/card.js';
import type { OperationName } from '../../../src/platform/operations/index.js';
import type { Platform, PlatformError } from '../../../src/platform/port.js';
import { err, ok } from '../../../src/result.js';

const NOW = Date.parse('2026-05-03T15:00:00.000Z');
const HOUR = 3_600_000;
const call = { idempotencyKey: 'triage-action-checks-1' };

const text = (result: RecoveryResult): string => (result.ok ? result.value.text : result.error.text);

/** A platform that answers one operation with `answer` and lists the Team-X people it knows. */
function platform(answer: Record<string, unknown> | PlatformError = {}): Platform {
  const employees = [
    { id: 'omar', name: 'Omar', role: 'Security Engineer' },
    { id: 'priya', name: 'Priya', role: 'Data Engineer' },
  ];
  return {
    listEmployees: async () => ok(employees),
    perform: async (_name: OperationName) => ('code' in answer ? err(answer as PlatformError) : ok(answer)),
  } as unknown as Platform;
}

/** A notifier that records what would be posted, holding one credential.expiry event's attributes. */
function notifier(said: Record<string, unknown> | undefined) {
  const posted: Array<{ key: string; route: { severity: string }; card: CardInput }> = [];
  const asked: string[] = [];
  const n: Notifier = {
    lastSaid: async (type, attribute, id) => {
      asked.push(`${type} ${attribute}=${id}`);
      return said;
    },
    post: async (input) => {
      posted.push(input);
      return ['ops'];
    },
  };
  return { n, posted, asked };
}

const deps = (p: Platform, n?: Notifier): RecoveryDeps => ({ platform: p, now: () => NOW, heartbeatTimeoutMs: 5_000, ...(n ? { notifier: n } : {}) });
const run = (action: string, d: RecoveryDeps, targetId: string) => findRecoveryAction(action)!.run(d, { targetId, params: { reason: 'from chat' }, call });

describe('rerun_probe', () => {
  const probe = { probe: 'known-answer:agent', layer: 'L3', input: 'What is 2 + 2?', expected: '4', detail: null, ranAt: new Date(NOW).toISOString() };

  it('shows what the probe was asked and answered: ✅ when it passes', async () => {
    const passed = await run('rerun_probe', deps(platform({ ...probe, ok: true, status: 'ok', output: '4' })), 'known-answer:agent');
    expect(text(passed)).toBe('probe known-answer:agent passed ✅: asked "What is 2 + 2?", answered "4", expected "4"');
  });

  it('is ❌ with the probe\'s own answer, and Retry, while it still fails', async () => {
    const failed = await run('rerun_probe', deps(platform({ ...probe, ok: false, status: 'timeout', output: null, detail: 'no answer within 10 s' })), 'known-answer:agent');
    expect(failed).toMatchObject({ ok: false, error: { code: 'invalid_state', retryable: true } });
    expect(text(failed)).toBe('probe known-answer:agent still failing (timeout): asked "What is 2 + 2?", no answer, expected "4"; no answer within 10 s ❌');
  });

  it("passes the platform's refusal on, and an accepted run whose answer was lost as done with a warning", async () => {
    const refused = await run('rerun_probe', deps(platform({ code: 'invalid_state', message: 'probe x ran 3 s ago' })), 'x');
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_state', retryable: false } });
    expect(text(refused)).toBe('probe x ran 3 s ago (nothing was changed) ❌');
    const lost = await run('rerun_probe', deps(platform({ code: 'unconfirmed', message: 'the answer could not be read' })), 'x');
    expect(text(lost)).toBe('probe x re-run ⚠️ (the answer could not be read)');
  });
});

describe('revert_change and refresh_trace_fixture', () => {
  it('says which commit was reverted, by which, and the suite back at its baseline', async () => {
    const reverted = await run('revert_change', deps(platform({ suite: 'production-traces', passRate: 1, baselinePassRate: 1, commit: '0dd0542', revertedCommit: 'a1b2c3d', fixedTraces: ['trace-12345'] })), 'production-traces');
    expect(text(reverted)).toBe('commit a1b2c3d reverted by 0dd0542: production-traces replays at 100% again ✅ (trace-12345 pass again)');
  });

  it('says which fixtures were refreshed, at which commit', async () => {
    const refreshed = await run('refresh_trace_fixture', deps(platform({ suite: 'production-traces', passRate: 1, baselinePassRate: 1, commit: 'e5f6a7b', refreshedTraces: ['trace-12346'] })), 'production-traces');
    expect(text(refreshed)).toBe('fixture refreshed for trace-12346: production-traces replays at 100% at e5f6a7b ✅');
  });

  it('gives an unknown suite no Retry', async () => {
    const unknown = await run('revert_change', deps(platform({ code: 'not_found', message: 'no trace replay is known for suite x' })), 'x');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', retryable: false } });
  });
});

describe('remind_credential_owner', () => {
  const expired = { credential: 'jira-api-token', expiresAt: new Date(NOW - 5 * 60_000).toISOString() };

  it('reminds the owner by the name the platform shows, with the runbook, as a critical card once per press', async () => {
    const { n, posted, asked } = notifier({ ...expired, owner: 'omar', runbook: 'https://runbooks.example/jira' });
    const done = await run('remind_credential_owner', deps(platform(), n), 'jira-api-token');
    expect(text(done)).toBe('reminded Omar, the owner of jira-api-token, in #ops to rotate it ✅ (runbook: https://runbooks.example/jira)');
    expect(asked).toEqual(['credential.expiry credential=jira-api-token']);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ key: 'reminder:triage-action-checks-1', route: { kind: 'credential_expiring', category: 'operational', severity: 'critical' } });
    expect(posted[0]!.card).toMatchObject({
      title: 'Reminder: rotate jira-api-token',
      text: 'Omar: credential "jira-api-token" expired at 2026-05-03 14:55 UTC, and you own it: please rotate it and update it where the agents read it.\nRotation runbook: https://runbooks.example/jira',
      fields: [
        { label: 'Owner', value: 'Omar' },
        { label: 'Expired at', value: '2026-05-03 14:55 UTC' },
        { label: 'Runbook', value: 'https://runbooks.example/jira' },
      ],
    });
  });

  it('names an owner the platform does not list as the event gives it, and links no runbook that is not a web address', async () => {
    const { n, posted } = notifier({ credential: 'github-app', expiresAt: new Date(NOW + 36 * HOUR).toISOString(), owner: 'Platform team', runbook: 'javascript:alert(1)' });
    expect(text(await run('remind_credential_owner', deps(platform(), n), 'github-app'))).toBe('reminded Platform team, the owner of github-app, in #ops to rotate it ✅');
    expect(posted[0]!.route.severity).toBe('warning');
    expect(posted[0]!.card.text).toContain('1. Rotate the credential and update it where the agents read it.');
  });

  it('with no owner named, reminds the channel', async () => {
    const { n, posted } = notifier({ credential: 'github-app', expiresAt: new Date(NOW + 36 * HOUR).toISOString() });
    expect(text(await run('remind_credential_owner', deps(platform(), n), 'github-app'))).toBe('no owner is named for github-app: reminded #ops to rotate it ✅');
    expect(posted[0]!.card.text).toMatch(/^Credential "github-app" expires at 2026-05-05 03:00 UTC, and no owner is named for it: whoever owns it, please rotate it/);
  });

  it('refuses without a notifier, and when Triage no longer holds the expiry report; neither offers Retry', async () => {
    expect(await run('remind_credential_owner', deps(platform()), 'jira-api-token')).toMatchObject({ ok: false, error: { code: 'platform', retryable: false } });
    const { n, posted } = notifier(undefined);
    const gone = await run('remind_credential_owner', deps(platform(), n), 'jira-api-token');
    expect(gone).toMatchObject({ ok: false, error: { code: 'not_found', retryable: false } });
    expect(text(gone)).toMatch(/holds no expiry report for credential jira-api-token/);
    expect(posted).toEqual([]);
  });
});
