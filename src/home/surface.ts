import type { Actor } from '../actor.js';
import type { ChatPlatform } from '../chat/port.js';
import type { Result } from '../result.js';
import type { HomeView } from './view.js';

/**
 * A platform's Home tab as the core sees it (Slack: views.publish). The adapter renders the
 * neutral view and says in words what went wrong; the core decides when and to whom.
 */
export type HomeSurface = {
  platform: ChatPlatform;
  publish(viewer: Actor, view: HomeView): Promise<Result<void, string>>;
};

/**
 * The logical channel a click on Home is recorded from (ClickInput.message): Home is no channel,
 * and no route posts to this name, so the audit says where the press came from.
 */
export const HOME_CHANNEL = 'home';

/** What an adapter's inbound side calls when someone opens Home (Slack: app_home_opened). */
export type HomeEntry = {
  opened(viewer: Actor): Promise<Result<'published' | 'unchanged', string>>;
  /** The view for one person, for surfaces that pull (the console's Home view). */
  viewFor(viewer: Actor): Promise<HomeView>;
};
