import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Playbook scenario 4: the primary crashes and the replica is promoted (RPO 2 min, RTO 5 min). */
const NAME = 'database-failover';

export const databaseFailover: Scenario = {
  name: NAME,
  title: 'Database failover: primary lost, replica promoted',
  description: 'The primary MySQL instance crashes, API requests return 500s, and the replica is promoted; the last 2 minutes may need resending.',
  build(start) {
    const t = timeline(NAME, start, 'cortex');
    t.at(0).emit(min(30), 'database.status', { database: 'mysql-primary', role: 'primary', status: 'up' });
    t.emit(min(30), 'database.status', { database: 'mysql-replica-1', role: 'replica', status: 'up', lagSeconds: 1 });
    t.at(1 * SECOND).emit(min(6), 'database.status', { database: 'mysql-primary', role: 'primary', status: 'down', error: 'Database connection lost' });
    t.emit(min(5.8), 'probe.result', { probe: 'api-health', ok: false, detail: '500 Internal Server Error: database connection lost' });
    t.at(2 * SECOND).emit(min(5), 'database.status', { database: 'mysql-replica-1', role: 'replica', status: 'failover' });
    t.at(3 * SECOND).emit(min(3), 'database.status', { database: 'mysql-replica-1', role: 'primary', status: 'up', rpoSeconds: 120 });
    t.emit(min(2.5), 'probe.result', { probe: 'api-health', ok: true });
    return t.events();
  },
};
