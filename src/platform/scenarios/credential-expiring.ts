import { DAY, HOUR, min, SECOND, timeline, type Scenario } from './timeline.js';

/** Research: a credential about to expire, and one that already has (calls now fail with 401). */
const NAME = 'credential-expiring';

export const credentialExpiring: Scenario = {
  name: NAME,
  title: 'GitHub App key expires in 36 hours; Jira token expired',
  description: 'One credential expires in 36 hours, one expired 5 minutes ago and its calls fail with 401, one is valid for 20 days.',
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    const at = (offsetMs: number): string => new Date(start.getTime() + offsetMs).toISOString();
    t.at(0).emit(min(15), 'credential.expiry', { credential: 'openai-api-key', expiresAt: at(20 * DAY) });
    t.emit(min(15), 'credential.expiry', { credential: 'github-app-private-key', expiresAt: at(36 * HOUR) });
    t.emit(min(15), 'credential.expiry', { credential: 'jira-api-token', expiresAt: at(-min(5)) });
    t.at(1 * SECOND).emit(min(2), 'probe.result', { probe: 'tickets:jira', ok: false, detail: '401 Unauthorized: token expired' });
    return t.events();
  },
};
