import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy } from './helpers.js';

const RECOVERY_NOTE = 'Check for transactions lost in the last 2 minutes (RPO) and ask partners to resend.';

/** Playbook scenario 4: "Database connection lost"; the replica is promoted (RPO 2 min, RTO 5 min). */
export default defineEntry({
  kind: 'database_unreachable',
  source: 'playbook',
  name: 'Database failover',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({}),
  detect({ window, now }) {
    const latest = [...latestBy(window, 'database.status', 'database', now).values()];
    const detections: Detection[] = [];
    for (const lost of latest.filter((s) => s.attributes.role === 'primary' && s.attributes.status === 'down')) {
      const promoted = latest.find((s) => s.attributes.role === 'primary' && s.attributes.status === 'up' && s.at > lost.at);
      const db = lost.attributes.database;
      detections.push({
        scope: db,
        // Once a replica serves as primary the outage is over; what is left is checking for lost data.
        ...(promoted ? { severity: 'warning' as const } : {}),
        summary: promoted
          ? `Database failover: primary ${db} lost, ${promoted.attributes.database} promoted to primary.`
          : `Database connection lost: primary ${db} unreachable.`,
        detail: promoted ? RECOVERY_NOTE : 'API requests fail until a replica is promoted (RTO 5 minutes).',
        entities: [{ kind: 'database', id: db, detail: 'primary down' }, ...(promoted ? [{ kind: 'database' as const, id: promoted.attributes.database, detail: 'promoted' }] : [])],
        fields: [{ label: 'RPO / RTO', value: '2 minutes / 5 minutes' }],
        facts: { failedOver: !!promoted },
      });
    }
    for (const moving of latest.filter((s) => s.attributes.status === 'failover')) {
      const db = moving.attributes.database;
      detections.push({
        scope: db,
        summary: `Database failover in progress: ${db} being promoted.`,
        detail: 'API requests may fail until DNS points at the new primary.',
        entities: [{ kind: 'database', id: db, detail: 'failover' }],
        fields: [{ label: 'RPO / RTO', value: '2 minutes / 5 minutes' }],
        facts: { failedOver: false },
      });
    }
    return detections;
  },
  title: (d) => (d.facts?.failedOver ? `Database failed over: ${d.scope}` : `Database unreachable: ${d.scope}`),
  actions: () => [{ action: 'run_doctor', label: 'Run Doctor' }, dismiss],
  // The playbook's failover is the database's own (replica promoted, DNS updated); what on-call
  // does is verify it, which Doctor and the runbook's steps cover.
  noFixBecause: 'the failover belongs to the database: its replica is promoted automatically; on-call verifies it (Run Doctor and the runbook)',
  runbook: [
    'Let the automatic failover run: the replica is promoted and DNS updated (RTO 5 minutes).',
    'Verify the failover: read a known record and check the data is intact.',
    'Check for transactions lost in the last 2 minutes (RPO).',
    'Notify affected partners to resend signals from the last 2 minutes.',
  ],
  preventiveTicket: {
    title: 'Rehearse database failover against the 2-minute RPO and 5-minute RTO',
    description: 'The primary database crashed and API requests returned 500s until the replica was promoted. Rehearse the failover regularly and alert on replication lag so the RPO holds.',
    owner: 'DBA',
    deliverables: ['Failover drill runbook', 'Replication lag alert', 'Lost-transaction check script'],
  },
  causedBy: [],
  // Everything else reads the database: it comes back first.
  recoveryRank: 5,
});
