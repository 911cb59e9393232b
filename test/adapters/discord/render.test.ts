import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ENTITY_LINES,
  MAX_FIELDS,
  SEVERITY_COLOUR,
  STATE_COLOUR,
  fallbackText,
  renderCard,
  type DiscordMessage,
} from '../../../adapters/discord/render.js';
import { Card, type CardInput } from '../../../src/chat/card.js';
import { insightCard } from '../../../src/insights/card.js';
import type { Insight } from '../../../src/insights/insight.js';
import { insightActionId } from '../../../src/insights/publish.js';
import { runtimeFailuresEntry, runtimeFailuresInsight } from '../../support/seed-insight.js';

const ZWSP = '\u200B';
const card = (input: Partial<CardInput> = {}): Card => Card.parse({ title: 'A card', severity: 'critical', ...input });
const embedOf = (message: DiscordMessage) => message.embeds[0]!;
const buttonsOf = (message: DiscordMessage) => message.components.flatMap((row) => row.components);

/**
 * Every way a payload breaks Discord's limits (numbers written out here, not imported from the
 * renderer, so a wrong constant there cannot hide a violation), as readable paths; empty when
 * Discord would accept it.
 */
function withinDiscordLimits(payload: DiscordMessage): string[] {
  const problems: string[] = [];
  const len = (path: string, value: string | undefined, max: number, min = 0) => {
    if (value === undefined) return 0;
    if (value.length > max) problems.push(`${path}: ${value.length} chars > ${max}`);
    if (value.length < min) problems.push(`${path}: empty`);
    return value.length;
  };
  len('content', payload.content, 2000);
  if (payload.embeds.length > 10) problems.push(`embeds: ${payload.embeds.length} > 10`);
  let total = 0;
  payload.embeds.forEach((embed, i) => {
    const at = `embeds[${i}]`;
    total += len(`${at}.title`, embed.title, 256, 1) + len(`${at}.description`, embed.description, 4096, 1);
    total += len(`${at}.author.name`, embed.author?.name, 256, 1) + len(`${at}.footer.text`, embed.footer?.text, 2048, 1);
    if (embed.fields.length > 25) problems.push(`${at}.fields: ${embed.fields.length} > 25`);
    embed.fields.forEach((f, j) => {
      total += len(`${at}.fields[${j}].name`, f.name, 256, 1) + len(`${at}.fields[${j}].value`, f.value, 1024, 1);
    });
  });
  if (total > 6000) problems.push(`embeds: ${total} chars in total > 6000`);
  if (payload.components.length > 5) problems.push(`components: ${payload.components.length} rows > 5`);
  const ids = new Set<string>();
  payload.components.forEach((row, i) => {
    if (row.type !== 1) problems.push(`components[${i}].type: ${row.type}, not an action row`);
    if (row.components.length < 1 || row.components.length > 5) problems.push(`components[${i}]: ${row.components.length} buttons, not 1-5`);
    row.components.forEach((b, j) => {
      const at = `components[${i}].components[${j}]`;
      if (b.type !== 2 || ![1, 2, 3, 4].includes(b.style)) problems.push(`${at}: type ${b.type} style ${b.style} is not a custom_id button`);
      len(`${at}.label`, b.label, 80, 1);
      len(`${at}.custom_id`, b.custom_id, 100, 1);
      if (ids.has(b.custom_id)) problems.push(`${at}.custom_id: duplicate "${b.custom_id}"`);
      ids.add(b.custom_id);
    });
  });
  if (payload.allowed_mentions.parse.length !== 0) problems.push('allowed_mentions.parse: must be empty');
  return problems;
}

/** The seed's runtime failures, detected from events and carded the way the publisher does. */
function runtimeFailures(over: Partial<Insight> = {}): Card {
  return insightCard(runtimeFailuresEntry, runtimeFailuresInsight(over), insightActionId);
}

describe('renderCard: a catalog card', () => {
  it('runtime failures: the exact body for create/edit message', () => {
    const button = (style: number, label: string, custom_id: string) => ({ type: 2, style, label, custom_id });
    expect(renderCard(runtimeFailures())).toEqual({
      content: '🔴 CRITICAL: 3 runtime execution failures',
      embeds: [
        {
          title: '3 runtime execution failures',
          description: '3 runtime execution failed events in last 10 minutes.',
          color: 0xe01e5a,
          author: { name: '🔴 CRITICAL • OPERATIONAL' },
          fields: [
            { name: 'Affected employees', value: 'Mike, Priya', inline: true },
            { name: 'Affected (2)', value: '• bash-runtime-mike (Mike) — connection refused\n• bash-runtime-priya (Priya) — timeout', inline: false },
          ],
          footer: { text: 'Seen 2 times · first 14:32 UTC · last 14:41 UTC' },
        },
      ],
      components: [
        {
          type: 1,
          components: [
            button(1, 'Restart bash-runtime-mike', 'v1|restart_runtime|insight:42|runtime:bash-runtime-mike'),
            button(1, 'Restart bash-runtime-priya', 'v1|restart_runtime|insight:42|runtime:bash-runtime-priya'),
            button(2, 'Acknowledge', 'v1|acknowledge|insight:42'),
            button(2, 'Dismiss', 'v1|dismiss|insight:42'),
          ],
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('once resolved: green, says so, and sends an empty components list so the edit clears the buttons', () => {
    const message = renderCard(runtimeFailures({ status: 'resolved', resolvedAt: new Date('2026-05-03T15:19:00Z') }));
    expect(embedOf(message).color).toBe(0x2bac76);
    expect(embedOf(message).author).toEqual({ name: '🔴 CRITICAL • OPERATIONAL • ✅ Resolved' });
    expect(embedOf(message).description).toContain('Resolved automatically at 15:19 UTC');
    expect(message.content).toBe('🔴 CRITICAL • ✅ Resolved: 3 runtime execution failures');
    expect(message.components).toEqual([]);
  });
});

describe('renderCard: colour and status line', () => {
  it.each([
    [{ severity: 'critical', category: 'operational' }, 0xe01e5a, '🔴 CRITICAL • OPERATIONAL'],
    [{ severity: 'warning', category: 'workflow' }, 0xecb22e, '⚠️ WARNING • WORKFLOW'],
    [{ severity: 'info', category: 'governance' }, 0x36c5f0, 'ℹ️ INFO • GOVERNANCE'],
    [{ severity: 'critical', state: 'acknowledged' }, 0xe01e5a, '🔴 CRITICAL • 👀 Acknowledged'],
    [{ severity: 'info', state: 'pending' }, 0x36c5f0, 'ℹ️ INFO • ⏳ Pending'],
    [{ severity: 'critical', state: 'resolved' }, 0x2bac76, '🔴 CRITICAL • ✅ Resolved'],
    [{ severity: 'info', state: 'approved' }, 0x2bac76, 'ℹ️ INFO • ✅ Approved'],
    [{ severity: 'warning', state: 'dismissed' }, 0x616061, '⚠️ WARNING • 🔕 Dismissed'],
    [{ severity: 'info', state: 'denied' }, 0x616061, 'ℹ️ INFO • ⛔ Denied'],
  ] as const)('%j → #%s, "%s"', (input, color, status) => {
    const embed = embedOf(renderCard(card(input)));
    expect(embed.color).toBe(color);
    expect(embed.author).toEqual({ name: status });
  });

  it('colours are distinct per severity and closed states share the resolved/dismissed pair', () => {
    expect(new Set(Object.values(SEVERITY_COLOUR)).size).toBe(3);
    expect(new Set(Object.values(STATE_COLOUR))).toEqual(new Set([0x2bac76, 0x616061]));
  });
});

describe('renderCard: buttons', () => {
  it('maps primary → 1, danger → 4, default → 2, and a card that skipped parsing (no style) → 2', () => {
    const parsed = card({
      actions: [
        { id: 'a:1', label: 'Approve', style: 'primary' },
        { id: 'a:2', label: 'Deny', style: 'danger', confirm: { title: 'Deny?', text: 'Stays paused.', confirmLabel: 'Deny', denyLabel: 'Cancel' } },
        { id: 'a:3', label: 'Logs', style: 'default' },
      ],
    });
    const unparsed = { ...parsed, actions: [{ id: 'a:4', label: 'Raw' } as Card['actions'][number]] };
    // An action that asks for confirmation is marked `?`: the handler asks before it clicks.
    expect(buttonsOf(renderCard(parsed)).map((b) => [b.custom_id, b.style])).toEqual([['a:1', 1], ['?a:2', 4], ['a:3', 2]]);
    expect(buttonsOf(renderCard(unparsed))).toEqual([{ type: 2, style: 2, label: 'Raw', custom_id: 'a:4' }]);
  });

  it('puts 12 buttons in rows of 5, in order', () => {
    const actions = Array.from({ length: 12 }, (_, i) => ({ id: `a:${i}`, label: `Action ${i}` }));
    expect(renderCard(card({ actions })).components.map((r) => r.components.map((b) => b.custom_id))).toEqual([
      ['a:0', 'a:1', 'a:2', 'a:3', 'a:4'],
      ['a:5', 'a:6', 'a:7', 'a:8', 'a:9'],
      ['a:10', 'a:11'],
    ]);
  });

  it('leaves out an action whose id is over 100 characters and says so in the footer, after the context', () => {
    const runtime = `bash-runtime-${'long-name-'.repeat(9)}`;
    const longId = insightActionId({ action: 'restart_runtime', label: 'x', target: { kind: 'runtime', id: runtime } }, { id: 42 });
    expect(longId.length).toBeGreaterThan(100);
    const message = renderCard(
      card({
        actions: [
          { id: longId, label: 'Restart the long-named runtime', style: 'primary' },
          { id: 'v1|dismiss|insight:42', label: 'Dismiss' },
        ],
        context: 'Seen 2 times',
      }),
    );
    expect(buttonsOf(message).map((b) => b.custom_id)).toEqual(['v1|dismiss|insight:42']);
    expect(embedOf(message).footer?.text).toBe('Seen 2 times\nSome actions are only in the console / Slack: Restart the long-named runtime');
    expect(withinDiscordLimits(message)).toEqual([]);
  });

  it('sends a repeated id once: Discord refuses duplicate custom_ids and the first sends the same click', () => {
    const message = renderCard(card({ actions: [{ id: 'a:1', label: 'One' }, { id: 'a:1', label: 'Again' }] }));
    expect(buttonsOf(message).map((b) => b.label)).toEqual(['One']);
    expect(embedOf(message).footer).toBeUndefined();
  });
});

describe('renderCard: always within Discord limits', () => {
  it('200 entities, 60 fields, 30 actions and 10,000 characters of text: every limit held, every cut said', () => {
    const message = renderCard(
      card({
        text: 'Line of output. '.repeat(625),
        fields: Array.from({ length: 60 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i} `.repeat(20) })),
        entities: Array.from({ length: 200 }, (_, i) => ({ kind: 'runtime', id: `bash-runtime-${i}`, label: `Runtime ${i}`, detail: 'timeout' })),
        actions: Array.from({ length: 30 }, (_, i) => ({ id: `v1|restart_runtime|insight:7|runtime:r${i}`, label: `Restart r${i}` })),
        context: 'Seen 9 times',
      }),
    );
    expect(withinDiscordLimits(message)).toEqual([]);
    const embed = embedOf(message);
    expect(embed.description?.endsWith('…')).toBe(true);
    expect(embed.description!.length).toBeGreaterThan(1000);
    const entities = embed.fields.at(-1)!;
    expect(entities.name).toBe('Affected (200)');
    expect(entities.value.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(MAX_ENTITY_LINES);
    expect(entities.value).toMatch(new RegExp(`^• bash-runtime-0 \\(Runtime 0\\) — timeout\\n[^]*\\n…and ${200 - MAX_ENTITY_LINES} more$`));
    const facts = embed.fields.slice(0, -1);
    expect(facts[0]?.name).toBe('Field 0');
    expect(facts.at(-1)?.value).toBe(`…and ${60 - facts.length + 1} more fields`);
    expect(buttonsOf(message).map((b) => b.custom_id)).toEqual(Array.from({ length: 25 }, (_, i) => `v1|restart_runtime|insight:7|runtime:r${i}`));
    expect(embed.footer?.text).toBe('Seen 9 times\nSome actions are only in the console / Slack: Restart r25, Restart r26, Restart r27, Restart r28, Restart r29');
  });

  it('a card past every limit at once: long title, labels, field names, context and many left-out actions', () => {
    const message = renderCard({
      ...card({
        title: 'T'.repeat(400),
        text: 'x'.repeat(10_000),
        fields: Array.from({ length: 60 }, (_, i) => ({ label: `F${i} ${'n'.repeat(300)}`, value: 'y'.repeat(3000) })),
        entities: Array.from({ length: 200 }, (_, i) => ({ kind: 'loop', id: `loop-${i}`, detail: 'stack trace '.repeat(100) })),
        context: 'c'.repeat(5000),
      }),
      // Past the schema's 75-character label and its 255-character id: the renderer cuts, whatever built the card.
      actions: Array.from({ length: 80 }, (_, i) => ({ id: i % 2 ? `a:${i}` : `${i}:${'z'.repeat(300)}`, label: `Button ${i} ${'b'.repeat(100)}`, style: 'default' as const })),
    });
    expect(withinDiscordLimits(message)).toEqual([]);
    const embed = embedOf(message);
    expect(embed.title).toBe(`${'T'.repeat(255)}…`);
    expect(buttonsOf(message)).toHaveLength(25);
    expect(buttonsOf(message)[0]?.label).toMatch(/^Button 1 b+…$/);
    expect(embed.footer?.text).toMatch(/^c+…\nSome actions are only in the console \/ Slack: Button 0 b+…, .*…and \d+ more$/);
    expect(embed.fields.length).toBeLessThanOrEqual(MAX_FIELDS + 1);
    expect(embed.fields.at(-1)?.value).toMatch(/\n…and \d+ more$/);
  });

  it('long entity lines are cut by size, not only by count', () => {
    const entities = Array.from({ length: 50 }, (_, i) => ({ kind: 'loop', id: `loop-${i}`, detail: 'stack trace '.repeat(100) }));
    const value = embedOf(renderCard(card({ entities }))).fields[0]!.value;
    const shown = value.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(MAX_ENTITY_LINES);
    expect(value.length).toBeLessThanOrEqual(1024);
    expect(value.endsWith(`\n…and ${50 - shown} more`)).toBe(true);
  });

  it('short fields sit inline; long, multi-line or empty ones do not, and empty ones are never sent empty', () => {
    const { fields } = embedOf(
      renderCard(card({ fields: [{ label: 'Error', value: 'budget_exhausted' }, { label: 'Trace', value: 'a\nb' }, { label: '', value: '' }] })),
    );
    expect(fields).toEqual([
      { name: 'Error', value: 'budget_exhausted', inline: true },
      { name: 'Trace', value: 'a\nb', inline: false },
      { name: ZWSP, value: '—', inline: true },
    ]);
  });

  it('never cuts an emoji in half', () => {
    expect(embedOf(renderCard(card({ title: `${'a'.repeat(254)}🔴🔴` }))).title).toBe(`${'a'.repeat(254)}…`);
  });

  it('holds for any card (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 3000 });
    const arbitraryCard = fc.record({
      title: fc.string({ minLength: 1, maxLength: 600 }),
      severity: fc.constantFrom('critical', 'warning', 'info'),
      state: fc.constantFrom('open', 'acknowledged', 'resolved', 'dismissed', 'pending', 'approved', 'denied', 'info'),
      text: fc.string({ maxLength: 12_000 }),
      fields: fc.array(fc.record({ label: text, value: text }), { maxLength: 70 }),
      entities: fc.array(fc.record({ kind: fc.constant('runtime'), id: fc.string({ minLength: 1, maxLength: 300 }), detail: text }), { maxLength: 120 }),
      actions: fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 140 }), label: fc.string({ minLength: 1, maxLength: 75 }) }), { maxLength: 40 }),
      context: fc.string({ maxLength: 3000 }),
    });
    fc.assert(
      fc.property(arbitraryCard, (input) => {
        expect(withinDiscordLimits(renderCard(Card.parse(input)))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('renderCard: mentions and links', () => {
  const hostile = 'Output: @everyone @here @Everyone <@&123> [Reset your token](https://evil.example) https://status.example';

  it('@everyone/@here in user text cannot ping: inert in every string, and allowed_mentions is empty', () => {
    const message = renderCard(
      card({
        title: '@everyone runtime down',
        text: hostile,
        fields: [{ label: '@here', value: hostile }],
        entities: [{ kind: 'runtime', id: '@everyone', detail: hostile }],
        context: hostile,
        actions: [{ id: 'a:1', label: 'ok' }, { id: 'x'.repeat(101), label: '@here do it' }],
      }),
    );
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(embedOf(message).description).toBe(
      `Output: @${ZWSP}everyone @${ZWSP}here @${ZWSP}Everyone <${ZWSP}@&123> [Reset your token]${ZWSP}(https://evil.example) https://status.example`,
    );
    const strings = JSON.stringify(message);
    expect(strings).toContain(`@${ZWSP}everyone`);
    expect(strings).not.toMatch(/@(everyone|here)/i);
    expect(strings).not.toMatch(/\]\(/);
    expect(message.content).toBe(`🔴 CRITICAL: @${ZWSP}everyone runtime down`);
  });

  it('leaves the rest readable: markdown and plain characters pass through', () => {
    const embed = embedOf(renderCard(card({ title: 'A & B <tag> *bold* `code`', text: '**Heads up** — `mcp-pool` at 5/5 & rising' })));
    expect(embed.title).toBe('A & B <tag> *bold* `code`');
    expect(embed.description).toBe('**Heads up** — `mcp-pool` at 5/5 & rising');
  });
});

describe('fallbackText', () => {
  it('is one short line: "<severity>[ • <state>]: <title>"', () => {
    expect(fallbackText(card({ severity: 'warning', title: 'MCP pool\nexhausted', text: 'Max connections 5.' }))).toBe('⚠️ WARNING: MCP pool exhausted');
    expect(fallbackText(card({ title: 'x'.repeat(5000) })).length).toBe(200);
  });
});

describe('withinDiscordLimits', () => {
  it('reports each limit broken, so it cannot pass vacuously', () => {
    const long = (n: number) => 'x'.repeat(n);
    const button = (custom_id: string, label = 'b') => ({ type: 2 as const, style: 2 as const, label, custom_id });
    const payload = {
      content: long(2001),
      embeds: [
        {
          title: long(257),
          description: long(4097),
          color: 0,
          author: { name: long(257) },
          fields: [{ name: long(257), value: long(1025), inline: false }, { name: '', value: '', inline: false }, ...Array.from({ length: 24 }, () => ({ name: 'n', value: 'v', inline: true }))],
          footer: { text: long(2049) },
        },
      ],
      components: [
        { type: 1 as const, components: [button(long(101), long(81)), button('dup'), button('dup'), { ...button('s'), style: 5 as never }] },
        { type: 1 as const, components: Array.from({ length: 6 }, (_, i) => button(`r${i}`)) },
        ...Array.from({ length: 4 }, (_, i) => ({ type: 1 as const, components: [button(`row${i}`)] })),
      ],
      allowed_mentions: { parse: ['everyone'] as never },
    } satisfies DiscordMessage;
    expect(withinDiscordLimits(payload)).toEqual([
      'content: 2001 chars > 2000',
      'embeds[0].title: 257 chars > 256',
      'embeds[0].description: 4097 chars > 4096',
      'embeds[0].author.name: 257 chars > 256',
      'embeds[0].footer.text: 2049 chars > 2048',
      'embeds[0].fields: 26 > 25',
      'embeds[0].fields[0].name: 257 chars > 256',
      'embeds[0].fields[0].value: 1025 chars > 1024',
      'embeds[0].fields[1].name: empty',
      'embeds[0].fields[1].value: empty',
      'embeds: 7990 chars in total > 6000',
      'components: 6 rows > 5',
      'components[0].components[0].label: 81 chars > 80',
      'components[0].components[0].custom_id: 101 chars > 100',
      'components[0].components[2].custom_id: duplicate "dup"',
      'components[0].components[3]: type 2 style 5 is not a custom_id button',
      'components[1]: 6 buttons, not 1-5',
      'allowed_mentions.parse: must be empty',
    ]);
  });
});
