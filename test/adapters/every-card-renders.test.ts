import { describe, expect, it } from 'vitest';
import { renderCard as renderDiscord } from '../../adapters/discord/render.js';
import { renderCard as renderSlack } from '../../adapters/slack/render.js';
import { checkEvent } from '../../src/events/envelope.js';
import { catalog } from '../../src/insights/catalog/index.js';
import { insightCard } from '../../src/insights/card.js';
import { evaluate, hashDetection } from '../../src/insights/evaluate.js';
import type { Insight } from '../../src/insights/insight.js';
import { emptySnapshot } from '../../src/insights/platform-snapshot.js';
import { insightActionId } from '../../src/insights/publish.js';
import { SignalWindow } from '../../src/insights/signal-window.js';
import type { StoredEvent } from '../../src/intake/event-writer.js';
import { scenarios } from '../../src/platform/scenarios/index.js';
import { checkBlocks } from '../support/block-kit.js';

const START = new Date('2026-05-03T14:32:00Z');

/** Every card the scenarios raise, drawn as the publisher draws it (open, with all its buttons). */
const cards = scenarios.flatMap((scenario) => {
  const events: StoredEvent[] = scenario.build(START).map(({ event }) => {
    const checked = checkEvent(event, 0);
    if (!checked.ok) throw new Error(`${scenario.name}: ${JSON.stringify(checked.problems)}`);
    return { ...checked.event, eventKey: event.id! };
  });
  const window = new SignalWindow();
  window.add(events);
  return evaluate(catalog, { window, platform: emptySnapshot(), now: START.getTime() }).detections.map(({ entry, detection }, n) => {
    const insight: Insight = {
      id: 1000 + n,
      fingerprint: `${entry.kind}:${detection.scope}`,
      kind: entry.kind,
      scope: detection.scope,
      severity: detection.severity ?? entry.severity,
      category: entry.category,
      status: 'open',
      episode: 1,
      title: entry.title(detection),
      detection: detection as Insight['detection'],
      detectionHash: hashDetection(detection),
      count: 1,
      version: 1,
      publishedVersion: 0,
      firstSeenAt: START,
      lastSeenAt: START,
      resolvedAt: null,
      acknowledgedBy: null,
      dismissedBy: null,
      dismissedAt: null,
      suppressedUntil: null,
    };
    return { name: `${scenario.name}: ${insight.title}`, card: insightCard(entry, insight, insightActionId) };
  });
});

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
