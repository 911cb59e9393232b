import { describe, expect, it } from 'vitest';
import { MAX_HOME_BLOCKS, renderHome } from '../../../adapters/slack/home.js';
import type { HomeItem, HomeView } from '../../../src/home/view.js';

const item = (title: string, actions = 0): HomeItem => ({
  title,
  text: 'details <!channel> & more',
  severity: 'critical',
  since: new Date(Date.now() - 47 * 60_000),
  actions: Array.from({ length: actions }, (_, i) => ({ id: `v1|approve_budget_override|approval:${i}`, label: 'Approve', style: 'primary' as const })),
});

const view = (incidents: number, insights: number): HomeView => ({
  title: 'Triage overview',
  sections: [
    { key: 'incidents', title: 'Open incidents', empty: 'No open incident.', items: Array.from({ length: incidents }, (_, i) => item(`Incident #${i}`)) },
    { key: 'insights', title: 'Live critical insights', empty: 'Nothing critical right now.', items: Array.from({ length: insights }, (_, i) => item(`Insight ${i}`)) },
    { key: 'approvals', title: 'Pending approvals', empty: 'Nothing waits.', items: [item('Budget override: daily-code-review', 1)] },
    { key: 'doctor', title: 'Last Doctor run', empty: 'Doctor has not run yet.', items: [item('Doctor run #3: WARNING', 1)] },
  ],
});

describe('the Home tab in Block Kit', () => {
  it('stays within 100 blocks in a storm, says how many more, and keeps the approvals and the Doctor run', () => {
    const { blocks } = renderHome(view(150, 300));
    expect(blocks.length).toBeLessThanOrEqual(MAX_HOME_BLOCKS);
    const text = JSON.stringify(blocks);
    expect(text).toMatch(/and \d+ more/);
    expect(text).toContain('Budget override: daily-code-review');
    expect(text).toContain('Doctor run #3');
  });

  it('shows every item when they fit, with their age, and pings nobody', () => {
    const { blocks } = renderHome(view(2, 3));
    const text = JSON.stringify(blocks);
    expect(text).not.toMatch(/and \d+ more/);
    expect(text).toContain('(47 min)');
    expect(text).not.toContain('<!channel>');
  });
});
