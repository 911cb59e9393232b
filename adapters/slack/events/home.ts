import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Actor } from '../../../src/actor.js';
import type { HomeEntry } from '../../../src/home/surface.js';

const HomeOpened = z.object({
  type: z.literal('app_home_opened'),
  user: z.string().min(1).max(200),
  /** 'home' or 'messages': only the Home tab shows the overview. */
  tab: z.string().optional(),
});

/** What the Home entry needs: the core's Home, and the adapter's logger. */
export type HomeEventDeps = { home: HomeEntry; logger: Logger };

/**
 * app_home_opened → the overview published to that member. Bolt acks an event as soon as the
 * listener runs (HTTPReceiver with processBeforeResponse off), and the publish is claimed by its
 * hash in the database (src/home/viewers.ts), so Slack's redeliveries (x-slack-retry-num) and a
 * second replica publish nothing twice.
 */
export function registerHomeEvents(app: App, deps: HomeEventDeps): void {
  app.event('app_home_opened', async ({ event, body, context }) => {
    const parsed = HomeOpened.safeParse(event);
    if (!parsed.success || (parsed.data.tab !== undefined && parsed.data.tab !== 'home')) return;
    const teamId = (body as { team_id?: string }).team_id ?? context.teamId;
    const actor = Actor.parse({ platform: 'slack', userId: parsed.data.user, ...(teamId ? { teamId } : {}) });
    const result = await deps.home.opened(actor).catch((error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }));
    if (!result.ok) deps.logger.warn({ user: actor.userId, reason: result.error, retry: context.retryNum }, 'could not show the Home tab');
  });
}
