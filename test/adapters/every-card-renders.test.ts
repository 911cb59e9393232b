import { describe, expect, it } from 'vitest';
import { renderCard as renderDiscord } from '../../adapters/discord/render.js';
import { renderCard as renderSlack } from '../../adapters/slack/render.js';
import { scenarios } from '../../src/platform/scenarios/index.js';
import { checkBlocks } from '../support/block-kit.js';
import { catalogCards } from '../support/seed-cards.js';

/** Every card the scenarios raise, drawn as the publisher draws it (open, with all its buttons). */
const cards = catalogCards.map(([name, card]) => ({ name, card }));

/**
 * The fixing buttons issue 16 put on every card reach both chat platforms: Slack would accept the
 * Block Kit (the validator of test/support/block-kit.ts), and Discord shows every button (its
 * renderer drops one whose custom_id does not fit, and it holds 25), confirm dialogs included.
 */
describe('every card a scenario raises renders on Slack and Discord with all its buttons', () => {
  it('raises cards from every scenario', () => {
    expect(new Set(cards.map((c) => c.name.split(':')[0])).size).toBe(scenarios.length);
  });

  it.each(cards.map((c) => [c.name, c.card] as const))('%s', (_name, card) => {
    const slack = renderSlack(card);
    expect(checkBlocks(slack.blocks)).toEqual([]);
    const slackIds = JSON.stringify(slack.blocks).match(/"action_id":"[^"]+"/g) ?? [];
    expect(slackIds).toHaveLength(card.actions.length);

    const discord = renderDiscord(card);
    const buttons = discord.components.flatMap((row) => row.components);
    // A button with a confirm dialog is marked '?' (adapters/discord/confirm.ts asks first).
    expect(buttons.map((b) => b.custom_id)).toEqual(card.actions.map((a) => `${a.confirm ? '?' : ''}${a.id}`));
  });
});
