import { ok } from '../../../result.js';
import type { Provider } from '../../port.js';
import { entityKey, fail, guard, simEvent, type SimContext } from '../context.js';
import { changeObject } from '../objects.js';
import { toProvider } from '../rows.js';
import { platformProviders } from '../../../db/schema/index.js';
import type { Handlers } from './handler.js';
import { PROVIDER_ROUTING, ProviderRouting } from './routing-events.js';

/** Team-X ticket #63: "Primary provider: OpenAI · Backup provider: Anthropic". */
export const BACKUP_PROVIDER = 'anthropic';

const health = (p: Provider): string =>
  `${p.status}${p.latencyMs !== null ? `, ${Math.round(p.latencyMs)} ms` : ''}${p.errorRate !== null ? `, ${Math.round(p.errorRate * 1000) / 10}% errors` : ''}`;

/** The seed's backup when it is healthy, else the healthiest other connected provider. */
export function backupFor(primary: string, providers: Provider[]): Provider | undefined {
  const healthy = providers.filter((p) => p.id !== primary && p.status === 'connected');
  const seedBackup = healthy.find((p) => p.id === BACKUP_PROVIDER);
  if (seedBackup) return seedBackup;
  return healthy.sort((a, b) => (a.errorRate ?? 0) - (b.errorRate ?? 0) || (a.latencyMs ?? 0) - (b.latencyMs ?? 0))[0];
}

/**
 * The provider's health as the platform reports it, with where its new work goes (`routedTo`,
 * null when it goes to the provider itself): the report a platform sends after switching, and
 * repeats with every health report while the switch lasts (docs/platform-api.md).
 */
export const routingReport = (p: Provider, routing: ProviderRouting, at: Date) =>
  simEvent(
    'provider.health',
    { provider: p.id, latencyMs: p.latencyMs ?? 0, errorRate: p.errorRate ?? 0, status: p.status, routedTo: routing.routedTo, routedSince: routing.since },
    at,
  );

async function providers(ctx: SimContext): Promise<Provider[]> {
  return (await ctx.database.db.select().from(platformProviders)).map(toProvider);
}

/** Events name providers as people write them ("OpenAI"); the platform keys them as entityKey does. */
const find = (all: Provider[], id: string): Provider | undefined => all.find((p) => p.id === entityKey(id));

/** The simulator's side of the provider operations of src/platform/operations/routing.ts. */
export const providerRemedies: Handlers<'failoverProvider' | 'restoreProvider'> = (ctx) => ({
  failoverProvider: (providerId) =>
    guard(`fail over provider ${providerId}`, async () => {
      const at = ctx.now();
      const all = await providers(ctx);
      const primary = find(all, providerId);
      if (!primary) return fail('not_found', `no provider named ${providerId}`);
      const changed = await changeObject(ctx.database.db, at, { kind: PROVIDER_ROUTING, id: primary.id, schema: ProviderRouting }, (current) => {
        if (current?.routedTo) return fail('invalid_state', `new work of ${providerId} already goes to ${current.routedTo} (since ${current.since ?? 'earlier'})`);
        if (primary.status === 'connected') return fail('invalid_state', `provider ${providerId} is healthy (${health(primary)}): nothing to fail over from`);
        const backup = backupFor(primary.id, all);
        if (!backup) return fail('invalid_state', `no other provider is connected to take the new work of ${providerId}`);
        return ok({ routedTo: backup.id, since: at.toISOString() });
      });
      if (!changed.ok) return changed;
      const routing = changed.value.after;
      await ctx.publish([routingReport(primary, routing, at)]);
      return ok({ provider: primary.id, routedTo: routing.routedTo, since: routing.since, previouslyRoutedTo: null });
    }),

  restoreProvider: (providerId) =>
    guard(`route work back to provider ${providerId}`, async () => {
      const at = ctx.now();
      const primary = find(await providers(ctx), providerId);
      if (!primary) return fail('not_found', `no provider named ${providerId}`);
      const changed = await changeObject(ctx.database.db, at, { kind: PROVIDER_ROUTING, id: primary.id, schema: ProviderRouting }, (current) => {
        if (!current?.routedTo) return fail('invalid_state', `new work of ${providerId} already goes to ${providerId}: it was not failed over`);
        // "Switch back when the primary is healthy" (Team-X runbook), not before.
        if (primary.status !== 'connected') return fail('invalid_state', `provider ${providerId} is not healthy yet (${health(primary)}): its work stays on ${current.routedTo}`);
        return ok({ routedTo: null, since: null });
      });
      if (!changed.ok) return changed;
      await ctx.publish([routingReport(primary, changed.value.after, at)]);
      return ok({ provider: primary.id, routedTo: null, since: null, previouslyRoutedTo: changed.value.before?.routedTo ?? null });
    }),
});
