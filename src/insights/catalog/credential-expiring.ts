import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { clock, DAY, dismiss, HOUR, latestBy, text } from './helpers.js';

/**
 * Self-healing research: agents fail completely when a credential expires. Warn a week ahead,
 * go critical a day ahead. Summaries name the band, not the hours left, so the card does not
 * change on every evaluation.
 */
export default defineEntry({
  kind: 'credential_expiring',
  source: 'self-healing',
  name: 'Credential expiring',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({ warningDays: z.number().positive().default(7), criticalHours: z.number().positive().default(24) }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const s of latestBy(window, 'credential.expiry', 'credential', now).values()) {
      const { credential, expiresAt } = s.attributes;
      const owner = text(s.attributes.owner);
      const expires = Date.parse(expiresAt);
      const left = expires - now;
      if (!Number.isFinite(left) || left > thresholds.warningDays * DAY) continue;
      const expired = left <= 0;
      const critical = left <= thresholds.criticalHours * HOUR;
      detections.push({
        scope: credential,
        ...(critical ? { severity: 'critical' as const } : {}),
        summary: expired
          ? `Credential "${credential}" expired.`
          : `Credential "${credential}" expires within ${critical ? `${thresholds.criticalHours} hours` : `${thresholds.warningDays} days`}.`,
        detail: expired ? 'Calls using it fail (401) until it is rotated.' : 'Rotate it before calls start failing.',
        entities: [{ kind: 'credential', id: credential }],
        fields: [{ label: expired ? 'Expired at' : 'Expires at', value: clock(expires) }],
        facts: { expiresAt: new Date(expires).toISOString(), expired, ...(owner ? { owner } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Credential ${d.facts?.expired ? 'expired' : 'expiring'}: ${d.scope}`,
  // The research: a credential that expires fails its agents completely; the one who can rotate
  // it is its owner (the event's `owner`), or, when none is named, whoever reads the channel.
  actions: (d) => {
    const credential = d.entities.find((e) => e.kind === 'credential');
    if (!credential) return [dismiss];
    const label = d.facts?.owner ? 'Remind owner' : 'Remind channel';
    return [{ action: 'remind_credential_owner', label, target: credential, style: 'primary' }, dismiss];
  },
  runbook: [
    'Rotate the credential and update it where the agents read it.',
    'Check the failing probes and the dead-letter queue for work that failed with 401 meanwhile, and replay it.',
  ],
  preventiveTicket: {
    title: 'Rotate credentials automatically before they expire',
    description: 'A credential expired and the agents depending on it failed completely. Track expiry dates, rotate ahead of time, and degrade explicitly when a capability loses its credential.',
    deliverables: ['Expiry inventory of agent credentials', 'Automatic rotation', 'Fallback when a credential is invalid'],
  },
  causedBy: [],
  recoveryRank: 12,
});
