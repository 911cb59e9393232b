import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/database-unreachable.js';
import { detect, stored } from '../../support/signals.js';

const status = (minutes: number, database: string, role: 'primary' | 'replica', value: 'up' | 'down' | 'failover') =>
  stored('database.status', minutes, { database, role, status: value });

describe('database unreachable (playbook 4)', () => {
  it('is critical while the primary is down and nobody took over', () => {
    const [d] = detect(entry, [status(30, 'mysql-primary', 'primary', 'up'), status(2, 'mysql-primary', 'primary', 'down')]);
    expect(d).toMatchObject({ scope: 'mysql-primary', summary: 'Database connection lost: primary mysql-primary unreachable.' });
    expect(d!.severity ?? entry.severity).toBe('critical');
  });

  it('reports a failover in progress, then a completed one as a warning about lost transactions', () => {
    const lost = status(6, 'mysql-primary', 'primary', 'down');
    expect(detect(entry, [lost, status(5, 'mysql-replica-1', 'replica', 'failover')]).map((d) => d.summary)).toEqual([
      'Database connection lost: primary mysql-primary unreachable.',
      'Database failover in progress: mysql-replica-1 being promoted.',
    ]);
    const [done] = detect(entry, [lost, status(3, 'mysql-replica-1', 'primary', 'up')]);
    expect(done).toMatchObject({
      severity: 'warning',
      summary: 'Database failover: primary mysql-primary lost, mysql-replica-1 promoted to primary.',
      detail: expect.stringContaining('last 2 minutes'),
    });
  });

  it('stays quiet while the primary is up, even with a replica down', () => {
    expect(detect(entry, [status(1, 'mysql-primary', 'primary', 'up'), status(1, 'mysql-replica-1', 'replica', 'down')])).toEqual([]);
  });
});
