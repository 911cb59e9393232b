import { DAY, HOUR, min, SECOND, timeline, type Scenario } from './timeline.js';

/** Research: a credential about to expire, and one that already has (calls now fail with 401). */
const NAME = 'credential-expiring';
/** Where Team-X keeps the Jira token's rotation steps (Omar, security, owns it). */
export const JIRA_RUNBOOK = 'https://runbooks.team-x.example/credentials/jira-api-token';

export const credentialExpiring: Scenario = {
  name: NAME,
  title: 'GitHub App key expires in 36 hours; Jira token expired',
  description: 'One credential expires in 36 hours with no owner named, one owned by Omar expired 5 minutes ago and its calls fail with 401, one is valid for 20 days.',
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    const at = (offsetMs: number): string => new Date(start.getTime() + offsetMs).toISOString();
    t.at(0).emit(min(15), 'credential.expiry', { credential: 'openai-api-key', expiresAt: at(20 * DAY) });
    // The GitHub App key names no owner: its reminder goes to the channel.
    t.emit(min(15), 'credential.expiry', { credential: 'github-app-private-key', expiresAt: at(36 * HOUR) });
    t.emit(min(15), 'credential.expiry', { credential: 'jira-api-token', expiresAt: at(-min(5)), owner: 'omar', runbook: JIRA_RUNBOOK });
    t.at(1 * SECOND).emit(min(2), 'probe.result', { probe: 'tickets:jira', ok: false, detail: '401 Unauthorized: token expired', credential: 'jira-api-token' });
    return t.events();
  },
};
