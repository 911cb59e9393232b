import type { routingOperations } from '../../operations/routing.js';
import type { Handlers } from './handler.js';
import { partnerRemedies } from './routing-partners.js';
import { providerRemedies } from './routing-providers.js';
import { stormRemedies } from './routing-storm.js';

/** The simulator's side of src/platform/operations/routing.ts: retry storms, providers, partners. */
export const routingRemedies: Handlers<keyof typeof routingOperations> = (ctx) => ({
  ...stormRemedies(ctx),
  ...providerRemedies(ctx),
  ...partnerRemedies(ctx),
});
