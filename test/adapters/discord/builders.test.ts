import {
  ActionRowBuilder,
  ButtonBuilder,
  EmbedBuilder,
  embedLength,
  enableValidators,
  isValidationEnabled,
  SlashCommandBuilder,
  type APIEmbed,
  type ButtonStyle,
} from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandDefinitions, DISCORD_COMMANDS } from '../../../adapters/discord/commands.js';
import { renderCard, type DiscordMessage, type Embed } from '../../../adapters/discord/render.js';
import { catalogCards, otherCards } from '../../support/seed-cards.js';
import { Card, CardState } from '../../../src/chat/card.js';
import { scenarios } from '../../../src/platform/scenarios/index.js';

/**
 * Every message Triage renders for Discord, rebuilt through discord.js's builders with their
 * validators on (lengths, styles, custom_id, colour), must come out as the same JSON: a payload
 * Discord would refuse fails here, not as a 400 on a card nobody sees. The builders do not check
 * message-wide limits, so those are checked here with Discord's numbers written out.
 */
enableValidators();

/** Through the builders' setters, which validate; the result must be what we rendered. */
function rebuiltEmbed(embed: Embed): APIEmbed {
  const builder = new EmbedBuilder().setTitle(embed.title).setColor(embed.color);
  if (embed.description !== undefined) builder.setDescription(embed.description);
  if (embed.author) builder.setAuthor({ name: embed.author.name });
  builder.setFields(...embed.fields);
  if (embed.footer) builder.setFooter({ text: embed.footer.text });
  return builder.toJSON();
}

function rebuiltRows(message: DiscordMessage) {
  return message.components.map((row) =>
    new ActionRowBuilder<ButtonBuilder>()
      .addComponents(row.components.map((b) => new ButtonBuilder().setStyle(b.style as number as ButtonStyle).setLabel(b.label).setCustomId(b.custom_id).setDisabled(b.disabled ?? false)))
      .toJSON(),
  );
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const withDisabled = (message: DiscordMessage) =>
  message.components.map((row) => ({ ...row, components: row.components.map((b) => ({ disabled: false, ...b })) }));

/** What Discord checks across the whole message (https://discord.com/developers/docs/resources/message#create-message). */
function messageWideProblems(message: DiscordMessage): string[] {
  const problems: string[] = [];
  if (message.content.length > 2000) problems.push(`content is ${message.content.length} characters (max 2000)`);
  if (message.embeds.length > 10) problems.push(`${message.embeds.length} embeds (max 10)`);
  const total = message.embeds.reduce((sum, e) => sum + embedLength(e as APIEmbed), 0);
  if (total > 6000) problems.push(`embeds hold ${total} characters (max 6000)`);
  if (message.components.length > 5) problems.push(`${message.components.length} action rows (max 5)`);
  message.components.forEach((row, i) => row.components.length > 5 && problems.push(`row ${i} has ${row.components.length} buttons (max 5)`));
  const ids = message.components.flatMap((row) => row.components.map((b) => b.custom_id));
  if (new Set(ids).size !== ids.length) problems.push('repeated custom_id');
  if (message.embeds.some((e) => e.fields.length > 25)) problems.push('more than 25 fields');
  return problems;
}

function expectDiscordAccepts(message: DiscordMessage): void {
  expect(isValidationEnabled()).toBe(true);
  expect(plain(message.embeds.map(rebuiltEmbed))).toEqual(plain(message.embeds));
  expect(plain(rebuiltRows(message))).toEqual(plain(withDisabled(message)));
  expect(messageWideProblems(message)).toEqual([]);
}


describe('every card Triage renders for Discord passes discord.js\'s builders', () => {
  it('has cards from every scenario', () => {
    expect(new Set(catalogCards.map(([name]) => name.split(':')[0])).size).toBe(scenarios.length);
  });

  it.each(catalogCards)('%s, in every state', (_name, card) => {
    for (const state of CardState.options) expectDiscordAccepts(renderCard(Card.parse({ ...card, state })));
  });

  it.each(otherCards)('%s', (_name, card) => {
    expectDiscordAccepts(renderCard(card));
  });

  it('any card at all (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 2000 });
    const arbitraryCard = fc.record({
      title: fc.string({ minLength: 1, maxLength: 600 }),
      severity: fc.constantFrom('critical', 'warning', 'info'),
      state: fc.constantFrom(...CardState.options),
      text: fc.string({ maxLength: 8_000 }),
      markdown: fc.option(fc.string({ maxLength: 8_000 }), { nil: undefined }),
      fields: fc.array(fc.record({ label: text, value: text }), { maxLength: 40 }),
      entities: fc.array(fc.record({ kind: fc.constant('runtime'), id: fc.string({ minLength: 1, maxLength: 300 }), detail: text }), { maxLength: 60 }),
      actions: fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 140 }), label: fc.string({ minLength: 1, maxLength: 90 }), style: fc.constantFrom('primary', 'danger', 'default') }), { maxLength: 30 }),
      context: fc.string({ maxLength: 3000 }),
    });
    fc.assert(fc.property(arbitraryCard, (input) => expectDiscordAccepts(renderCard(Card.parse(input)))), { numRuns: 100 });
  });
});

describe('the check itself', () => {
  const good = renderCard(Card.parse({ title: 'Runtime down', severity: 'critical', actions: [{ id: 'a:1', label: 'Restart' }] }));
  const embed = good.embeds[0]!;
  const button = good.components[0]!.components[0]!;
  it.each([
    ['a title over 256', { ...good, embeds: [{ ...embed, title: 'x'.repeat(257) }] }],
    ['a field value over 1024', { ...good, embeds: [{ ...embed, fields: [{ name: 'n', value: 'v'.repeat(1025), inline: false }] }] }],
    ['a custom_id over 100', { ...good, components: [{ type: 1, components: [{ ...button, custom_id: 'x'.repeat(101) }] }] }],
    ['an empty button label', { ...good, components: [{ type: 1, components: [{ ...button, label: '' }] }] }],
    ['a button label over 80', { ...good, components: [{ type: 1, components: [{ ...button, label: 'x'.repeat(81) }] }] }],
    ['six buttons in a row', { ...good, components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => ({ ...button, custom_id: `a:${i}` })) }] }],
    ['embeds over 6000 characters', { ...good, embeds: [{ ...embed, description: 'd'.repeat(4096), fields: [{ name: 'n', value: 'v'.repeat(1024), inline: false }, { name: 'm', value: 'v'.repeat(1000), inline: false }] }] }],
    ['content over 2000', { ...good, content: 'c'.repeat(2001) }],
  ])('refuses %s, as Discord would', (_name, message) => {
    expect(() => expectDiscordAccepts(message as DiscordMessage)).toThrow();
  });
});

describe('every slash command Triage registers passes SlashCommandBuilder', () => {
  it.each(commandDefinitions().map((d) => [d.name, d] as const))('/%s', (_name, definition) => {
    const [option] = definition.options;
    const built = new SlashCommandBuilder()
      .setName(definition.name)
      .setDescription(definition.description)
      .addStringOption((o) => o.setName(option!.name).setDescription(option!.description).setRequired(option!.required).setMaxLength(option!.max_length))
      .toJSON();
    expect(built).toMatchObject(plain(definition) as object);
    expect(definition.options).toHaveLength(1);
  });

  it('registers them all, with names Discord takes', () => {
    expect(commandDefinitions().map((d) => d.name)).toEqual(DISCORD_COMMANDS.map((c) => c.name));
  });
});
