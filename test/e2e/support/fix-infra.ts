import { expect } from 'vitest';
import { cascadingFailure } from '../../../src/platform/scenarios/cascading-failure.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import type { Scenario } from '../../../src/platform/scenarios/timeline.js';
import { eventually, outboxSettled } from '../../chat/support/drive.js';
import { TEST_TOKEN } from '../../support/triage.js';
import type { FixFixture } from './fix-from-card.js';

/**
 * The seed story (cascading-failure) up to the moment its database-query pool is at 4 of 5: only
 * its MCP readings, until the first at 80% or more. That is the moment the seed's recommendation
 * ("Monitor MCP connection pool usage (Copilot alert at 80%)") is for; the story goes on to run
 * the pool dry, which is another card (mcp_pool_exhausted).
 */
export const seedPoolFillingUp: Scenario = {
  ...cascadingFailure,
  build(start) {
    const events = cascadingFailure.build(start);
    const filling = events.find(({ event: e }) => {
      const a = e.attributes as { inUse?: number; size?: number };
      return e.type === 'mcp.pool' && a.inUse !== undefined && a.size !== undefined && a.inUse / a.size >= 0.8;
    });
    if (!filling) throw new Error('the seed story no longer fills its MCP pool');
    const until = Date.parse(filling.event.occurredAt);
    return events.filter(({ event: e }) => e.type.startsWith('mcp.') && Date.parse(e.occurredAt) <= until);
  },
};

/** Plays a scenario that is not in the registry through the real intake, and waits for its cards. */
export async function playStory(fx: FixFixture, scenario: Scenario): Promise<void> {
  const played = await playScenario({ scenario, url: fx.triage.url, token: TEST_TOKEN, speed: 50 });
  expect(played.ok, `scenario ${scenario.name} played`).toBe(true);
  await fx.triage.writer.drain();
  await fx.triage.evaluator.idle();
  await eventually(outboxSettled(fx.triage.outbox), 15_000);
}
