import type { types } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUTTONS_PER_ROW,
  MAX_BLOCKS_PER_MESSAGE,
  MAX_ENTITY_LINES,
  MAX_FIELDS,
  MAX_SECTION_TEXT,
  fallbackText,
  renderCard,
} from '../../../adapters/slack/render.js';
import { Card, type CardInput } from '../../../src/chat/card.js';
import { checkBlocks, checkSlackPayload } from '../../support/block-kit.js';

type KnownBlock = types.KnownBlock;

/**
 * Every message rendered in this file is checked as the chat.postMessage Slack would receive
 * (test/support/block-kit.ts): a test passes only if Slack would also have accepted its cards.
 */
const refused: string[] = [];
const render = (c: Card): ReturnType<typeof renderCard> => {
  const message = renderCard(c);
  refused.push(...checkSlackPayload('chat.postMessage', { channel: 'C0OPS', ...message }));
  return message;
};
afterEach(() => {
  const problems = refused.splice(0);
  expect(problems, 'payloads Slack would refuse (invalid_blocks)').toEqual([]);
});

const card = (input: Partial<CardInput> = {}): Card => Card.parse({ title: 'A card', severity: 'critical', ...input });
const md = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text, emoji: true } });
const btn = (action_id: string, text: string, extra: object = {}) => ({
  type: 'button',
  action_id,
  text: { type: 'plain_text', text, emoji: true },
  ...extra,
});
const ZWSP = '\u200B';

/** Every mrkdwn string in a message: where Slack would parse links, mentions and broadcasts. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value === null || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own = o.type === 'mrkdwn' && typeof o.text === 'string' ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(mrkdwnTexts)];
}

const buttonsOf = (blocks: KnownBlock[]) =>
  blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).filter((e): e is types.Button => e.type === 'button');
const sectionTexts = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

describe('renderCard: the seed\'s critical cards', () => {
  it('runtime failures: header, severity line, text, fields, entities, buttons', () => {
    const message = render(
      card({
        title: '3 runtime execution failed events in last 10 minutes',
        category: 'operational',
        text: 'External runtimes disconnected:',
        fields: [{ label: 'Affected employees', value: 'Mike, Priya' }],
        entities: [
          { kind: 'runtime', id: 'bash-runtime-mike', detail: 'connection refused' },
          { kind: 'runtime', id: 'bash-runtime-priya', detail: 'timeout' },
        ],
        actions: [
          { id: 'ins:1:view-runtimes', label: 'View Runtime Status', style: 'primary' },
          { id: 'ins:1:dismiss', label: 'Dismiss' },
        ],
      }),
    );
    expect(message.blocks).toEqual([
      header('3 runtime execution failed events in last 10 minutes'),
      { type: 'context', elements: [md('🔴 CRITICAL • OPERATIONAL')] },
      { type: 'section', text: md('External runtimes disconnected:') },
      { type: 'section', fields: [md('*Affected employees*\nMike, Priya')] },
      { type: 'section', text: md('• bash-runtime-mike — connection refused\n• bash-runtime-priya — timeout') },
      { type: 'actions', elements: [btn('ins:1:view-runtimes', 'View Runtime Status', { style: 'primary' }), btn('ins:1:dismiss', 'Dismiss')] },
    ]);
    expect(message.text).toBe('🔴 CRITICAL: 3 runtime execution failed events in last 10 minutes — External runtimes disconnected:');
    expect(checkBlocks(message.blocks)).toEqual([]);
  });

  it('stuck loops: labelled entities, a ">" kept in the plain_text header but escaped in mrkdwn, a context line', () => {
    const message = render(
      card({
        title: '7 agentic loops in "running" state > 30 minutes',
        category: 'operational',
        text: 'Possible hang or slow provider response.\nLoops affected:',
        entities: [
          { kind: 'ticket', id: 'Ticket #47', label: 'Code review' },
          { kind: 'ticket', id: 'Ticket #52', label: 'Data analysis' },
          { kind: 'ticket', id: 'Ticket #55', label: 'Architecture planning' },
        ],
        actions: [
          { id: 'ins:2:view-loops', label: 'View Stuck Loops', style: 'primary' },
          { id: 'ins:2:dismiss', label: 'Dismiss' },
        ],
        context: 'Seen 3 times · first 14:32 UTC · last 14:41 UTC',
      }),
    );
    expect(message.blocks).toEqual([
      header('7 agentic loops in "running" state > 30 minutes'),
      { type: 'context', elements: [md('🔴 CRITICAL • OPERATIONAL')] },
      { type: 'section', text: md('Possible hang or slow provider response.\nLoops affected:') },
      { type: 'section', text: md('• Ticket #47 (Code review)\n• Ticket #52 (Data analysis)\n• Ticket #55 (Architecture planning)') },
      { type: 'actions', elements: [btn('ins:2:view-loops', 'View Stuck Loops', { style: 'primary' }), btn('ins:2:dismiss', 'Dismiss')] },
      { type: 'context', elements: [md('Seen 3 times · first 14:32 UTC · last 14:41 UTC')] },
    ]);
    expect(message.text).toBe('🔴 CRITICAL: 7 agentic loops in "running" state &gt; 30 minutes — Possible hang or slow provider response.');
  });

  it('routine failure: error as a field, no entities section when there are none', () => {
    const message = render(
      card({
        title: 'Routine "daily-code-review" failed execution',
        category: 'operational',
        text: 'Routine paused pending resolution.',
        fields: [{ label: 'Error', value: 'budget_exhausted' }],
        actions: [
          { id: 'ins:3:view-routine', label: 'View Routine Status', style: 'primary' },
          { id: 'ins:3:dismiss', label: 'Dismiss' },
        ],
      }),
    );
    expect(message.blocks).toEqual([
      header('Routine "daily-code-review" failed execution'),
      { type: 'context', elements: [md('🔴 CRITICAL • OPERATIONAL')] },
      { type: 'section', text: md('Routine paused pending resolution.') },
      { type: 'section', fields: [md('*Error*\nbudget_exhausted')] },
      { type: 'actions', elements: [btn('ins:3:view-routine', 'View Routine Status', { style: 'primary' }), btn('ins:3:dismiss', 'Dismiss')] },
    ]);
  });
});

describe('renderCard: severity and state line', () => {
  it.each([
    [{ severity: 'critical', category: 'operational' }, '🔴 CRITICAL • OPERATIONAL'],
    [{ severity: 'warning', category: 'workflow' }, '⚠️ WARNING • WORKFLOW'],
    [{ severity: 'info', category: 'governance' }, 'ℹ️ INFO • GOVERNANCE'],
    [{ severity: 'critical' }, '🔴 CRITICAL'],
    [{ severity: 'critical', category: 'operational', state: 'resolved' }, '🔴 CRITICAL • OPERATIONAL • ✅ Resolved'],
    [{ severity: 'warning', category: 'workflow', state: 'dismissed' }, '⚠️ WARNING • WORKFLOW • 🔕 Dismissed'],
    [{ severity: 'critical', category: 'operational', state: 'acknowledged' }, '🔴 CRITICAL • OPERATIONAL • 👀 Acknowledged'],
    [{ severity: 'info', category: 'governance', state: 'pending' }, 'ℹ️ INFO • GOVERNANCE • ⏳ Pending'],
    [{ severity: 'info', category: 'governance', state: 'approved' }, 'ℹ️ INFO • GOVERNANCE • ✅ Approved'],
    [{ severity: 'info', category: 'governance', state: 'denied' }, 'ℹ️ INFO • GOVERNANCE • ⛔ Denied'],
  ] as const)('%j → %s', (input, line) => {
    expect(render(card(input)).blocks[1]).toEqual({ type: 'context', elements: [md(line)] });
  });
});

describe('renderCard: buttons', () => {
  const approval = card({
    title: '💰 Budget override: daily-code-review',
    severity: 'info',
    category: 'governance',
    state: 'pending',
    actions: [
      { id: 'apr:9:logs', label: 'View Routine Logs' },
      {
        id: 'apr:9:deny',
        label: 'Deny',
        style: 'danger',
        confirm: { title: 'Deny the override?', text: 'The routine stays paused until next month.', confirmLabel: 'Deny', denyLabel: 'Cancel' },
      },
      { id: 'apr:9:approve', label: 'Approve', style: 'primary', value: '{"amount":5}' },
    ],
  });

  it('a destructive button asks for confirmation in a dialog; style only when set, never "default"', () => {
    const [logs, deny, approve] = buttonsOf(render(approval).blocks);
    expect(logs).toEqual(btn('apr:9:logs', 'View Routine Logs'));
    expect(logs).not.toHaveProperty('style');
    expect(deny).toEqual(
      btn('apr:9:deny', 'Deny', {
        style: 'danger',
        confirm: {
          title: { type: 'plain_text', text: 'Deny the override?', emoji: true },
          text: { type: 'plain_text', text: 'The routine stays paused until next month.', emoji: true },
          confirm: { type: 'plain_text', text: 'Deny', emoji: true },
          deny: { type: 'plain_text', text: 'Cancel', emoji: true },
          style: 'danger',
        },
      }),
    );
    expect(approve).toEqual(btn('apr:9:approve', 'Approve', { style: 'primary', value: '{"amount":5}' }));
  });

  it('keeps confirm dialog texts within their own limits', () => {
    const long = 'x'.repeat(1000);
    const { blocks } = render(
      card({ actions: [{ id: 'a:1', label: 'Restart', style: 'danger', confirm: { title: long, text: long, confirmLabel: long, denyLabel: long } }] }),
    );
    const confirm = buttonsOf(blocks)[0]?.confirm;
    expect([confirm?.title?.text.length, confirm?.text.text.length, confirm?.confirm?.text.length, confirm?.deny?.text.length]).toEqual([100, 300, 30, 30]);
    expect(checkBlocks(blocks)).toEqual([]);
  });

  it(`splits 12 buttons into rows of ${BUTTONS_PER_ROW}, in order`, () => {
    const actions = Array.from({ length: 12 }, (_, i) => ({ id: `a:${i}`, label: `Action ${i}` }));
    const rows = render(card({ actions })).blocks.filter((b) => b.type === 'actions');
    expect(rows.map((r) => r.elements.map((e) => e.action_id))).toEqual([
      ['a:0', 'a:1', 'a:2', 'a:3', 'a:4'],
      ['a:5', 'a:6', 'a:7', 'a:8', 'a:9'],
      ['a:10', 'a:11'],
    ]);
  });
});

describe('renderCard: always within Block Kit limits', () => {
  const actions = [
    { id: 'ins:7:restart', label: 'Restart runtimes', style: 'danger' as const, confirm: { title: 'Restart?', text: 'Kills running work.', confirmLabel: 'Restart', denyLabel: 'Cancel' } },
    { id: 'ins:7:ack', label: 'Acknowledge' },
    { id: 'ins:7:dismiss', label: 'Dismiss' },
  ];

  it('200 entities and 10,000 chars of text: cut with "…and N more", every button kept', () => {
    const entities = Array.from({ length: 200 }, (_, i) => ({ kind: 'runtime', id: `bash-runtime-${i}`, label: `Runtime ${i}`, detail: 'connection refused' }));
    const { blocks, text } = render(card({ text: `${'Line of output. '.repeat(625)}`, entities, actions }));
    expect(checkBlocks(blocks)).toEqual([]);
    const [body, list] = sectionTexts(blocks);
    expect(body?.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    expect(body?.endsWith('…')).toBe(true);
    const bullets = list?.split('\n').filter((l) => l.startsWith('• ')) ?? [];
    expect(bullets).toHaveLength(MAX_ENTITY_LINES);
    expect(bullets[0]).toBe('• bash-runtime-0 (Runtime 0) — connection refused');
    expect(list?.endsWith(`\n…and ${200 - MAX_ENTITY_LINES} more`)).toBe(true);
    expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual(['ins:7:restart', 'ins:7:ack', 'ins:7:dismiss']);
    expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('long entity lines are cut by size, not only by count', () => {
    const entities = Array.from({ length: 200 }, (_, i) => ({ kind: 'loop', id: `loop-${i}`, detail: 'stack trace '.repeat(100) }));
    const list = sectionTexts(render(card({ entities })).blocks)[0] ?? '';
    const shown = list.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(MAX_ENTITY_LINES);
    expect(list.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    expect(list.endsWith(`\n…and ${200 - shown} more`)).toBe(true);
  });

  it('a card over every limit at once still fits in 50 blocks and keeps all 60 buttons', () => {
    // Labels past the schema's 75 too: the renderer cuts, whatever built the card.
    const many = Array.from({ length: 60 }, (_, i) => ({ id: `a:${i}`, label: `Button ${i} ${'x'.repeat(100)}`, value: 'v', style: 'default' as const }));
    const { blocks } = render({
      ...card({
        title: 'T'.repeat(400),
        text: '<&>'.repeat(4000),
        fields: Array.from({ length: 300 }, (_, i) => ({ label: `F${i}`, value: 'y'.repeat(3000) })),
        entities: Array.from({ length: 200 }, (_, i) => ({ kind: 'k', id: `e${i}` })),
        context: '&'.repeat(5000),
      }),
      actions: many,
    });
    expect(checkBlocks(blocks)).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS_PER_MESSAGE);
    expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual(many.map((a) => a.id));
    const fieldTexts = blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []) : [])).map((f) => f.text);
    expect(fieldTexts).toHaveLength(MAX_FIELDS);
    expect(fieldTexts.at(-1)).toBe(`…and ${300 - MAX_FIELDS + 1} more fields`);
    expect(fieldTexts[0]).toMatch(/^\*F0\*\ny+…$/);
  });

  it('renders a button twice offered once: Slack refuses two action_ids alike in one block', () => {
    // Doctor merges steps with the same text, so two checks proposing one fix give one id twice.
    const { blocks } = render(card({ actions: [{ id: 'doc:1:restart:mike', label: 'Restart mike' }, { id: 'doc:1:rerun', label: 'Re-run' }, { id: 'doc:1:restart:mike', label: 'Restart mike' }] }));
    expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual(['doc:1:restart:mike', 'doc:1:rerun']);
  });

  it('never sends an empty confirm dialog text, which Slack refuses', () => {
    const confirm = { title: ' ', text: '', confirmLabel: '', denyLabel: '' };
    const [button] = buttonsOf(render(card({ actions: [{ id: 'a:1', label: 'Cancel loop', style: 'danger', confirm }] })).blocks);
    expect(button?.confirm).toMatchObject({ title: { text: 'Cancel loop?' }, text: { text: 'Cancel loop?' }, confirm: { text: 'Cancel loop' }, deny: { text: 'Cancel' } });
  });

  it('widens rows past 5 only when 5 per row would not fit in 50 blocks', () => {
    const actions = Array.from({ length: 240 }, (_, i) => ({ id: `a:${i}`, label: `B${i}` }));
    const { blocks } = render(card({ text: 'body', entities: [{ kind: 'k', id: 'e' }], actions }));
    expect(checkBlocks(blocks)).toEqual([]);
    expect(buttonsOf(blocks)).toHaveLength(240);
    const rows = blocks.filter((b) => b.type === 'actions');
    expect(rows[0]?.elements.length).toBeGreaterThan(BUTTONS_PER_ROW);
  });

  it('never cuts an escaped entity or an emoji in half', () => {
    const amp = sectionTexts(render(card({ text: '&'.repeat(5000) })).blocks)[0] ?? '';
    expect(amp).toMatch(/^(&amp;)+…$/);
    const emoji = render(card({ title: `${'a'.repeat(148)}🔴🔴` })).blocks[0];
    expect(emoji).toEqual(header(`${'a'.repeat(148)}…`));
  });
});

describe('renderCard: escaping', () => {
  const hostile = 'Output: <script>alert(1)</script> & <!channel> <@U123> <https://evil.example|Reset password> @here @Channel @everyone';

  it('escapes &, <, > in every mrkdwn text so nothing forms a link, mention or broadcast', () => {
    const { blocks } = render(
      card({
        text: hostile,
        fields: [{ label: '<!here>', value: hostile }],
        entities: [{ kind: 'runtime', id: '<!channel>', label: '@here', detail: hostile }],
        context: hostile,
      }),
    );
    expect(sectionTexts(blocks)[0]).toBe(
      `Output: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|Reset password&gt; @${ZWSP}here @${ZWSP}Channel @${ZWSP}everyone`,
    );
    const texts = mrkdwnTexts(blocks);
    expect(texts.length).toBeGreaterThanOrEqual(5);
    for (const t of texts) {
      expect(t).not.toMatch(/[<>]/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(t).not.toMatch(/@(here|channel|everyone)/i);
    }
    expect(texts).toContain(`*&lt;!here&gt;*\n${sectionTexts(blocks)[0]}`);
  });

  it('leaves plain_text (header, buttons) as written: Slack never parses it', () => {
    const { blocks } = render(card({ title: 'A & B <tag>', actions: [{ id: 'a:1', label: 'Stop <now> & go' }] }));
    expect(blocks[0]).toEqual(header('A & B <tag>'));
    expect(buttonsOf(blocks)[0]?.text.text).toBe('Stop <now> & go');
  });
});

describe('fallbackText', () => {
  it('is "<severity>: <title> — <first line of text>"', () => {
    expect(fallbackText(card({ severity: 'warning', title: 'MCP pool exhausted', text: '\n  Max connections 5.\nSecond line' }))).toBe(
      '⚠️ WARNING: MCP pool exhausted — Max connections 5.',
    );
    expect(fallbackText(card({ severity: 'info', title: 'No incidents' }))).toBe('ℹ️ INFO: No incidents');
  });

  it('cannot ping or link, and stays within 3000 chars', () => {
    expect(fallbackText(card({ title: '<!channel> down', text: '@here <https://x|y> & more' }))).toBe(
      `🔴 CRITICAL: &lt;!channel&gt; down — @${ZWSP}here &lt;https://x|y&gt; &amp; more`,
    );
    expect(fallbackText(card({ title: 'x'.repeat(5000) })).length).toBe(3000);
  });
});
