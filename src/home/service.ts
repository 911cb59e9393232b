import type { Logger } from 'pino';
import type { Actor } from '../actor.js';
import type { Authoriser } from '../auth/authoriser.js';
import type { Db } from '../db/client.js';
import { err, ok, type Result } from '../result.js';
import { readOverview } from './overview.js';
import type { HomeEntry, HomeSurface } from './surface.js';
import { homeView, viewHash, type HomeView, type HomeViewer, type Overview } from './view.js';
import { claimPublish, recentViewers, recordOpen, releaseClaim, type ViewerKey } from './viewers.js';

export type HomeOptions = {
  /** How often the leader looks for changed overviews. */
  refreshEveryMs: number;
  /**
   * At least this long between two refresh publishes: views.publish is a Tier 4 method (100+ a
   * minute per workspace), so 750 ms keeps the leader near 80 a minute with room for opens.
   */
  publishPaceMs: number;
  /** An open republishes an unchanged view older than this, so its ages are current. */
  reopenRefreshMs: number;
  /** Viewers who opened Home within this many days are refreshed (retention forgets older ones). */
  viewerDays: number;
  /** At most this many viewers per pass, most recent first. */
  maxViewers: number;
};

export const DEFAULT_HOME_OPTIONS: HomeOptions = { refreshEveryMs: 5_000, publishPaceMs: 750, reopenRefreshMs: 60_000, viewerDays: 30, maxViewers: 1_000 };

export type HomeDeps = {
  db: Db;
  authoriser: Pick<Authoriser, 'authorise'>;
  surfaces: HomeSurface[];
  /** Only the leader refreshes (src/cluster/leadership.ts via the evaluator): one refresh per change. */
  leading: () => boolean;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  options?: Partial<HomeOptions>;
};

export type Home = HomeEntry & {
  /** One refresh pass (the leader's timer runs it); answers how many views were published. */
  refresh(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
};

const keyOf = (actor: Actor): ViewerKey => ({ platform: actor.platform, teamId: actor.teamId ?? '', userId: actor.userId });
const actorOf = (key: ViewerKey): Actor => ({ platform: key.platform as Actor['platform'], userId: key.userId, ...(key.teamId ? { teamId: key.teamId } : {}) });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The Home tab: published when someone opens it, and republished by the leader when what that
 * person would see changes. What each person was last shown is a hash in `home_viewers`, claimed
 * by one conditional update before publishing (src/home/viewers.ts), so a redelivered event, a
 * second replica or a pass that overlaps an open never publishes the same view twice.
 */
export function createHome(deps: HomeDeps): Home {
  const options = { ...DEFAULT_HOME_OPTIONS, ...deps.options };
  const surfaces = new Map(deps.surfaces.map((s) => [s.platform as string, s]));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function viewerOf(actor: Actor): Promise<HomeViewer> {
    const decided = await deps.authoriser.authorise(actor, 'approver');
    return decided.ok ? { canDecide: true, deciders: [] } : { canDecide: false, deciders: decided.error.holders };
  }

  const viewFor = async (actor: Actor, overview?: Overview): Promise<HomeView> => homeView(overview ?? (await readOverview(deps.db)), await viewerOf(actor));

  /** Publishes a view already claimed; gives the claim back when the platform refuses it. */
  async function publish(surface: HomeSurface, key: ViewerKey, view: HomeView, hash: string): Promise<Result<void, string>> {
    const sent = await surface.publish(actorOf(key), view).catch((error: unknown): Result<void, string> => err(error instanceof Error ? error.message : String(error)));
    if (!sent.ok) {
      await releaseClaim(deps.db, key, hash);
      deps.logger.warn({ platform: key.platform, user: key.userId, reason: sent.error }, 'could not publish a Home view; the next pass tries again');
    }
    return sent;
  }

  async function opened(actor: Actor): Promise<Result<'published' | 'unchanged', string>> {
    const surface = surfaces.get(actor.platform);
    if (!surface) return err(`no Home surface for ${actor.platform}`);
    const key = keyOf(actor);
    await recordOpen(deps.db, key);
    const view = await viewFor(actor);
    const hash = viewHash(view);
    if (!(await claimPublish(deps.db, key, hash, options.reopenRefreshMs))) return ok('unchanged');
    const sent = await publish(surface, key, view, hash);
    return sent.ok ? ok('published') : err(sent.error);
  }

  async function refresh(): Promise<number> {
    if (!deps.leading() || surfaces.size === 0) return 0;
    const since = new Date(Date.now() - options.viewerDays * 86_400_000);
    let overview: Awaited<ReturnType<typeof readOverview>> | undefined;
    let published = 0;
    for (const surface of surfaces.values()) {
      for (const key of await recentViewers(deps.db, surface.platform, since, options.maxViewers)) {
        // Read once per pass, and only when someone has a Home to refresh: most installs' passes read one indexed row.
        overview ??= await readOverview(deps.db);
        // A deposed leader stops within one viewer: the new one starts its own pass.
        if (!deps.leading()) return published;
        const view = await viewFor(actorOf(key), overview);
        const hash = viewHash(view);
        if (!(await claimPublish(deps.db, key, hash))) continue;
        if (published > 0) await sleep(options.publishPaceMs);
        if ((await publish(surface, key, view, hash)).ok) published += 1;
      }
    }
    return published;
  }

  const tick = () => {
    running = refresh().catch((error: unknown) => deps.logger.error({ err: error }, 'Home refresh failed; the next pass tries again'));
    return running;
  };

  return {
    opened,
    viewFor: (actor) => viewFor(actor),
    refresh,
    start() {
      if (timer || surfaces.size === 0) return;
      // Passes never overlap: the next is scheduled when one ends.
      const loop = () => void tick().finally(() => timer && (timer = setTimeout(loop, options.refreshEveryMs).unref()));
      timer = setTimeout(loop, options.refreshEveryMs).unref();
    },
    async stop() {
      const had = timer;
      timer = undefined;
      if (had) clearTimeout(had);
      await running;
    },
  };
}
