import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/routine-budget-exhausted.js';
import { detect, stored } from '../../support/signals.js';

const routine = 'daily-code-review';
const spend = (spentUsd: number, minutes = 6) => stored('routine.spend', minutes, { routine, spentUsd, limitUsd: 10, period: 'month' });

describe('routine budget exhausted (Team-X)', () => {
  it('shows the seed card: failed execution, budget_exhausted, $12.47 of $10.00 (124%), paused', () => {
    const [d, ...rest] = detect(entry, [
      spend(12.47),
      stored('routine.run', 5.5, { routine, status: 'failed', error: 'budget_exhausted', costUsd: 0 }),
      stored('routine.paused', 5.5, { routine, reason: 'budget_exhausted' }),
    ]);
    expect(rest).toEqual([]);
    expect(d!.summary).toBe('Routine "daily-code-review" failed execution.');
    expect(d!.detail).toBe('Routine paused pending resolution.');
    expect(d!.fields).toEqual([
      { label: 'Error', value: 'budget_exhausted' },
      { label: 'Spent', value: '$12.47 of $10.00 (124%)' },
      { label: 'Status', value: 'paused' },
    ]);
    expect(d!.facts).toMatchObject({ spentUsd: 12.47, limitUsd: 10, percent: 124 });
    expect(entry.category).toBe('governance');
    expect(entry.actions(d!).map((a) => a.action)).toEqual(['approve_budget_override', 'deny_budget_override', 'dismiss']);
  });

  it('catches spend over the limit before any run fails', () => {
    const [d] = detect(entry, [spend(10)]);
    expect(d!.summary).toBe('Routine "daily-code-review" exhausted its budget.');
    expect(d!.fields).toContainEqual({ label: 'Status', value: 'active' });
  });

  it('stays quiet just under the limit, on other errors, and once the routine is resumed with a new budget', () => {
    expect(detect(entry, [spend(9.99), stored('routine.run', 1, { routine, status: 'failed', error: 'database-query: connection pool exhausted' })])).toEqual([]);
    expect(
      detect(entry, [
        stored('routine.paused', 6, { routine, reason: 'budget_exhausted' }),
        stored('routine.spend', 2, { routine, spentUsd: 12.47, limitUsd: 15 }),
        stored('routine.resumed', 1, { routine }),
      ]),
    ).toEqual([]);
  });
});
