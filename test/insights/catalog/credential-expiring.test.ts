import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/credential-expiring.js';
import { detect, NOW, stored } from '../../support/signals.js';

const HOUR = 3_600_000;
const expiry = (credential: string, inMs: number) => stored('credential.expiry', 15, { credential, expiresAt: new Date(NOW + inMs).toISOString() });

describe('credential expiring (self-healing research)', () => {
  it('warns within 7 days, goes critical within 24 hours, and says "expired" once past', () => {
    const byCredential = new Map(detect(entry, [expiry('github', 36 * HOUR), expiry('slack', 12 * HOUR), expiry('jira', -5 * 60_000)]).map((d) => [d.scope, d]));
    expect(byCredential.get('github')!.summary).toBe('Credential "github" expires within 7 days.');
    expect(byCredential.get('github')!.severity ?? entry.severity).toBe('warning');
    expect(byCredential.get('slack')).toMatchObject({ severity: 'critical', summary: 'Credential "slack" expires within 24 hours.' });
    expect(byCredential.get('jira')).toMatchObject({ severity: 'critical', summary: 'Credential "jira" expired.' });
  });

  it('stays quiet just beyond 7 days', () => {
    expect(detect(entry, [expiry('openai', 7 * 24 * HOUR + 60_000)])).toEqual([]);
  });

  it('offers Remind owner when the event names one (kept in the facts), else Remind channel', () => {
    const [owned] = detect(entry, [stored('credential.expiry', 15, { credential: 'jira', expiresAt: new Date(NOW - 60_000).toISOString(), owner: 'omar' })]);
    expect(owned!.facts).toMatchObject({ owner: 'omar', expired: true });
    expect(entry.actions(owned!).map((a) => [a.action, a.label, a.target?.id])).toEqual([
      ['remind_credential_owner', 'Remind owner', 'jira'],
      ['dismiss', 'Dismiss', undefined],
    ]);
    const [unowned] = detect(entry, [expiry('github', 36 * HOUR)]);
    expect(entry.actions(unowned!)[0]).toMatchObject({ action: 'remind_credential_owner', label: 'Remind channel' });
  });
});
