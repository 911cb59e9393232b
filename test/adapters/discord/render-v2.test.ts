import {
  ActionRowBuilder,
  ButtonBuilder,
  ContainerBuilder,
  enableValidators,
  SectionBuilder,
  SeparatorBuilder,
  TextDisplayBuilder,
  type ButtonStyle,
  type SeparatorSpacingSize,
} from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEVERITY_COLOUR, STATE_COLOUR } from '../../../adapters/discord/render.js';
import { renderCardV2 } from '../../../adapters/discord/render/v2.js';
import type { Button } from '../../../adapters/discord/message.js';
import type { ContainerChild, DiscordV2Message } from '../../../adapters/discord/render/v2-message.js';
import { Card, CardState } from '../../../src/chat/card.js';
import { catalogCards, otherCards } from '../../support/seed-cards.js';

/**
 * Every V2 message rebuilt through discord.js's builders with their validators on must come out
 * as the same JSON; the builders do not check the message-wide limits, so those are written out
 * here with Discord's numbers (40 components counting nested ones, 4000 characters of text).
 */
enableValidators();

const buttonOf = (b: Button) => new ButtonBuilder().setStyle(b.style as number as ButtonStyle).setLabel(b.label).setCustomId(b.custom_id);

function rebuilt(message: DiscordV2Message): unknown {
  const [container] = message.components;
  const builder = new ContainerBuilder().setAccentColor(container.accent_color);
  for (const c of container.components) {
    if (c.type === 10) builder.addTextDisplayComponents(new TextDisplayBuilder().setContent(c.content));
    else if (c.type === 9) builder.addSectionComponents(new SectionBuilder().addTextDisplayComponents(c.components.map((t) => new TextDisplayBuilder().setContent(t.content))).setButtonAccessory(buttonOf(c.accessory)));
    else if (c.type === 14) builder.addSeparatorComponents(new SeparatorBuilder().setDivider(c.divider).setSpacing(c.spacing as number as SeparatorSpacingSize));
    else builder.addActionRowComponents(new ActionRowBuilder<ButtonBuilder>().addComponents(c.components.map(buttonOf)));
  }
  return JSON.parse(JSON.stringify(builder.toJSON()));
}

const walk = (children: readonly ContainerChild[]): Array<{ type: number; content?: string; custom_id?: string }> =>
  children.flatMap((c) => [c, ...('components' in c ? c.components : []), ...('accessory' in c ? [c.accessory] : [])] as Array<{ type: number }>);

function problems(message: DiscordV2Message): string[] {
  const all = walk(message.components[0].components);
  const out: string[] = [];
  if (message.flags !== 1 << 15) out.push('no IS_COMPONENTS_V2 flag');
  if ('content' in message || 'embeds' in message) out.push('content/embeds with the V2 flag');
  if (all.length + 1 > 40) out.push(`${all.length + 1} components (max 40)`);
  const chars = all.reduce((n, c) => n + (c.type === 10 ? c.content!.length : 0), 0);
  if (chars > 4000) out.push(`${chars} characters of text (max 4000)`);
  const ids = all.filter((c) => c.type === 2).map((c) => c.custom_id);
  if (new Set(ids).size !== ids.length) out.push('repeated custom_id');
  return out;
}

function expectDiscordAccepts(message: DiscordV2Message): void {
  expect(rebuilt(message)).toEqual(JSON.parse(JSON.stringify({ ...message.components[0], components: message.components[0].components.map((c) => (c.type === 9 ? { ...c, accessory: { ...c.accessory } } : c)) })));
  expect(problems(message)).toEqual([]);
}

const buttonsOf = (m: DiscordV2Message) => walk(m.components[0].components).filter((c) => c.type === 2).map((c) => c.custom_id);

describe('Components V2: every seed card passes discord.js\'s builders and V2\'s limits', () => {
  it.each(catalogCards)('%s, in every state, with every button', (_name, card) => {
    for (const state of CardState.options) expectDiscordAccepts(renderCardV2(Card.parse({ ...card, state })));
    expect(buttonsOf(renderCardV2(card)).sort()).toEqual(card.actions.map((a) => `${a.confirm ? '?' : ''}${a.id}`).sort());
  });

  it.each(otherCards)('%s', (_name, card) => expectDiscordAccepts(renderCardV2(card)));

  it('any card at all (property)', () => {
    const s = fc.string({ maxLength: 2000 });
    const arbitraryCard = fc.record({
      title: fc.string({ minLength: 1, maxLength: 600 }),
      severity: fc.constantFrom('critical', 'warning', 'info'),
      state: fc.constantFrom(...CardState.options),
      text: fc.string({ maxLength: 8_000 }),
      markdown: fc.option(fc.string({ maxLength: 8_000 }), { nil: undefined }),
      fields: fc.array(fc.record({ label: s, value: s }), { maxLength: 40 }),
      entities: fc.array(fc.record({ kind: fc.constant('runtime'), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), detail: s }), { maxLength: 60 }),
      actions: fc.array(
        fc.record({ id: fc.oneof(fc.string({ minLength: 1, maxLength: 140 }), fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l').map((t) => `v1|restart_runtime|insight:1|runtime:${t}`)), label: fc.string({ minLength: 1, maxLength: 90 }), style: fc.constantFrom('primary', 'danger', 'default') }),
        { maxLength: 30 },
      ),
      context: fc.string({ maxLength: 3000 }),
    });
    fc.assert(fc.property(arbitraryCard, (input) => expectDiscordAccepts(renderCardV2(Card.parse(input)))), { numRuns: 100 });
  });
});

describe('Components V2: what a reader sees', () => {
  const [, stuckLoops] = catalogCards.find(([name]) => name.includes('stuck agentic loops'))!;

  it('an entity a button acts on sits in a section with that button beside it; the rest are a row under a divider', () => {
    const children = renderCardV2(stuckLoops).components[0].components;
    const sections = children.filter((c) => c.type === 9);
    expect(sections.map((s) => [/^\*\*(loop-\d+)/.exec(s.components[0]!.content)?.[1], s.accessory.label])).toEqual(
      ['loop-47', 'loop-49', 'loop-52', 'loop-54', 'loop-55'].map((id) => [id, expect.stringMatching(/Cancel/)]),
    );
    const rows = children.filter((c) => c.type === 1);
    expect(rows.flatMap((r) => r.components.map((b) => b.label))).toEqual(['Acknowledge', 'Dismiss']);
    expect(children.findIndex((c) => c.type === 14)).toBe(children.findIndex((c) => c.type === 1) - 1);
  });

  it('the container carries the colour the embed would: severity while live, green or grey once closed', () => {
    expect(renderCardV2(Card.parse({ ...stuckLoops, state: 'open' })).components[0].accent_color).toBe(SEVERITY_COLOUR[stuckLoops.severity]);
    expect(renderCardV2(Card.parse({ ...stuckLoops, state: 'resolved' })).components[0].accent_color).toBe(STATE_COLOUR.resolved);
  });

  it('status as small text over a heading, context as small text at the end, pings off', () => {
    const message = renderCardV2(Card.parse({ title: '@everyone down', severity: 'critical', context: 'seen 3 times' }));
    const [header, ...rest] = message.components[0].components;
    expect(header).toEqual({ type: 10, content: '-# 🔴 CRITICAL\n### @\u200Beveryone down' });
    expect(rest.at(-1)).toEqual({ type: 10, content: '-# seen 3 times' });
    expect(message.allowed_mentions).toEqual({ parse: [] });
  });

  it('a long Doctor report stops between lines inside the 4000 and says what is left out and where', () => {
    const [, card] = otherCards.find(([name]) => name === 'Doctor report, long')!;
    const texts = walk(renderCardV2(card).components[0].components).filter((c) => c.type === 10).map((c) => c.content!);
    expect(texts.join('').length).toBeLessThanOrEqual(4000);
    expect(texts.join('\n')).toMatch(/\*… \d+ more lines \([\d,]+ characters\) not shown: a Discord V2 message holds 4000\. Copy report \(below\) posts the whole report\.\*/);
  });

  it('30 buttons: 25 kept (sections given up before rows), the rest named in the context, within 40 components', () => {
    const actions = Array.from({ length: 30 }, (_, i) => ({ id: `v1|restart_runtime|insight:1|runtime:r${i}`, label: `Restart r${i}` }));
    const entities = Array.from({ length: 30 }, (_, i) => ({ kind: 'runtime', id: `r${i}` }));
    const message = renderCardV2(Card.parse({ title: 'Many', severity: 'warning', actions, entities }));
    expect(problems(message)).toEqual([]);
    expect(buttonsOf(message).length).toBeGreaterThanOrEqual(20);
    expect(JSON.stringify(message)).toContain('Some actions are only in the console / Slack');
  });
});
