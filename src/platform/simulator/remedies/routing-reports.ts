import { eq } from 'drizzle-orm';
import { platformProviders } from '../../../db/schema/index.js';
import type { TypedEvent } from '../../../events/vocabulary.js';
import type { SimContext } from '../context.js';
import { toProvider } from '../rows.js';
import { profileReport } from './routing-partners.js';
import { routingReport } from './routing-providers.js';
import { PARTNER_PROFILE, PartnerProfile, PROVIDER_ROUTING, ProviderRouting } from './routing-events.js';
import { listObjects } from './routing-storm.js';

/**
 * The reports a platform repeats while a change it made lasts (docs/platform-api.md, "Recovery
 * operations"): the profile of every partner whose signals go to human review, and where the new
 * work of every failed-over provider goes. Triage's insights read a window of recent events
 * (src/insights/signal-window.ts, six hours, rebuilt from the log at start), and a probation lasts
 * seven days: without a repeat inside the window the follow-up card (partner_probation_over,
 * provider_recovered) would never see the state it follows up. Meant to run when the simulator
 * starts and then periodically (at most every few hours); answers how many reports it sent.
 */
export async function repeatRoutingReports(ctx: SimContext): Promise<number> {
  const at = ctx.now();
  const events: TypedEvent[] = [];
  for (const { id, state } of await listObjects(ctx, PARTNER_PROFILE, PartnerProfile)) {
    if (state.requireHumanReview) events.push(profileReport(id, state, at));
  }
  for (const { id, state } of await listObjects(ctx, PROVIDER_ROUTING, ProviderRouting)) {
    if (!state.routedTo) continue;
    const [row] = await ctx.database.db.select().from(platformProviders).where(eq(platformProviders.id, id));
    if (row) events.push(routingReport(toProvider(row), state, at));
  }
  await ctx.publish(events);
  return events.length;
}
