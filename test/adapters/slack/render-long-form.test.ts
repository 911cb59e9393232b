import type { types } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCard } from '../../../adapters/slack/render.js';
import { Card, type CardInput } from '../../../src/chat/card.js';
import { doctorCard } from '../../../src/doctor/card.js';
import type { DoctorReport } from '../../../src/doctor/report.js';
import { minutesCard, type Minutes } from '../../../src/postmortem/minutes.js';
import { checkSlackPayload } from '../../support/block-kit.js';

type KnownBlock = types.KnownBlock;

/** Every message rendered here must be one Slack accepts (test/support/block-kit.ts). */
const refused: string[] = [];
const render = (input: CardInput): ReturnType<typeof renderCard> => {
  const message = renderCard(Card.parse(input));
  refused.push(...checkSlackPayload('chat.postMessage', { channel: 'C0OPS', ...message }));
  return message;
};
afterEach(() => {
  expect(refused.splice(0), 'payloads Slack would refuse (invalid_blocks)').toEqual([]);
});

const markdownOf = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === 'markdown' ? [b.text] : []));
const sectionTexts = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

const minutes = (over: Partial<Minutes> = {}): Minutes => ({
  incidentId: 7,
  title: 'Cascading failure',
  startedAt: '2026-05-03T14:02:00.000Z',
  endedAt: '2026-05-03T15:10:00.000Z',
  ongoing: false,
  duration: '1h 8m',
  summary: 'The database-query MCP pool ran dry; runtimes failed behind it.',
  impact: [{ label: 'runtimes unreachable', count: 2 }],
  rootCauses: [
    { rank: 'primary', title: 'MCP connection pool exhausted', kinds: ['mcp_pool_exhausted'], cause: 'Pool of 10 for 40 routines', contributingFactor: 'No backoff', impact: ['7 loops stuck'], prevention: 'Add backoff', owner: 'Mike', runbook: [] },
    { rank: 'secondary', title: 'Runtime bash-runtime-mike unreachable', kinds: ['runtime_unreachable'], cause: 'OOM', contributingFactor: 'No memory limit', impact: [], prevention: 'Set limits', runbook: [] },
  ],
  actionItems: [
    { status: 'done', text: 'restart runtime bash-runtime-mike', owner: 'James', at: '2026-05-03T14:40:00.000Z' },
    { status: 'open', text: 'Add connection backoff logic to routines', owner: 'Mike', url: 'https://tickets.example/61' },
  ],
  lessons: ['Recovery order matters: fix dependencies first.'],
  followUp: ['Daily check-ins for 1 week (monitor for recurrence).'],
  note: 'deterministic minutes',
  ...over,
});

describe('long-form cards in Slack: the minutes', () => {
  it('shows the minutes as one markdown block: headings, numbered causes, nested lists, as a document', () => {
    const { blocks } = render(minutesCard(minutes(), 7));
    expect(blocks.map((b) => b.type)).toEqual(['header', 'context', 'markdown', 'section', 'context']);
    const [doc] = markdownOf(blocks);
    expect(doc).toMatch(/^## Incident summary\n- Root causes: 2 contributing factors\n\nThe database-query MCP pool ran dry/);
    expect(doc).toMatch(/\n1\. \*\*Primary: MCP connection pool exhausted\*\*\n {3}- Cause: Pool of 10 for 40 routines\n/);
    expect(doc).toMatch(/\n## Action items\n- James:\n {2}- ✅ restart runtime bash-runtime-mike \(DONE\)/);
    // A link shows where it goes: no label hides its target.
    expect(doc).toContain('⏳ Add connection backoff logic to routines (https://tickets.example/61)');
    // Duration and impact are the card's fields, not repeated in the document.
    expect(doc).not.toMatch(/Duration:|Impact: 2/);
    expect(sectionTexts(blocks)).toEqual([]);
    expect(blocks.find((b) => b.type === 'section' && b.fields)).toBeDefined();
  });

  it('falls back to the mrkdwn section, as before, when the minutes are over the markdown block\'s 12,000 characters', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...minutes().rootCauses[1]!, rank: 'contributing' as const, title: `Cause ${i}`, cause: 'c'.repeat(200) }));
    const card = minutesCard(minutes({ rootCauses: [...minutes().rootCauses, ...many] }), 7);
    expect(card.markdown!.length).toBeGreaterThan(12_000);
    const { blocks } = render(card);
    expect(markdownOf(blocks)).toEqual([]);
    expect(sectionTexts(blocks)[0]).toMatch(/^The database-query MCP pool ran dry.*\n\n\*Root causes\*\n\*Primary: MCP connection pool exhausted\*/s);
  });

  it('falls back when the markdown block fits but the whole message would near Slack\'s text limit', () => {
    const fields = Array.from({ length: 4 }, (_, i) => ({ label: `F${i}`, value: 'v'.repeat(1500) }));
    const { blocks } = render({ title: 'Report', severity: 'info', text: 'short form', markdown: 'm'.repeat(7000), fields });
    expect(markdownOf(blocks)).toEqual([]);
    expect(sectionTexts(blocks)[0]).toBe('short form');
  });

  it('cannot ping, mention or hide a link from a markdown block', () => {
    const { blocks } = render({ title: 'T', severity: 'info', text: 't', markdown: 'Ping <!here> and <@U0ELENA>, @channel, [Reset password](https://evil.test/x?a=1&b=2), A&B' });
    const [doc] = markdownOf(blocks);
    expect(doc).toBe('Ping &lt;!here&gt; and &lt;@U0ELENA&gt;, @\u200Bchannel, Reset password (https://evil.test/x?a=1&b=2), A&B');
  });
});

describe('long-form cards in Slack: the Doctor report', () => {
  const report = (details: string[]): DoctorReport => ({
    runId: 3,
    overall: 'CRITICAL',
    counts: '1 fail, 1 passed',
    results: [
      { section: 'db', name: 'Database', status: 'pass', summary: 'reachable', details: [], actions: [] },
      { section: 'runtimes', name: 'Runtimes', status: 'fail', summary: '2 unreachable:', details, actions: [] },
    ] as never,
    plan: [{ kind: 'runtime_unreachable', text: 'Restart bash-runtime-mike', buttons: [] }],
    sections: [],
    requestedBy: 'Sofia',
    startedAt: '2026-05-03T14:30:00.000Z',
    durationMs: 1200,
  });

  it('lists each check with its details nested under it, in a markdown block', () => {
    const { blocks } = render(doctorCard(report(['• bash-runtime-mike (connection refused)', '• bash-runtime-priya (timeout)'])));
    expect(markdownOf(blocks)).toEqual([
      [
        '- ✅ **Database** — PASS (reachable)',
        '- ❌ **Runtimes** — FAIL (2 unreachable)',
        '  - bash-runtime-mike (connection refused)',
        '  - bash-runtime-priya (timeout)',
        '',
        '**OVERALL: CRITICAL** (1 fail, 1 passed)',
        '',
        '**Immediate actions required**',
        '1. Restart bash-runtime-mike',
      ].join('\n'),
    ]);
  });

  it('shows a report past a section\'s 3,000 characters whole, where the section cut it', () => {
    const details = Array.from({ length: 80 }, (_, i) => `• bash-runtime-${i} (connection refused after 3 attempts)`);
    const card = doctorCard(report(details));
    expect(card.text.length).toBeGreaterThan(3000);
    const [doc] = markdownOf(render(card).blocks);
    expect(doc).toContain('  - bash-runtime-79 (connection refused after 3 attempts)');
  });
});
