import type { ChatAdapterFactory } from '../../src/chat/adapter.js';
import { consoleLoginConfigured, type ConsoleConfig } from '../../src/config.js';
import { scenarios } from '../../src/platform/scenarios/index.js';
import { createConsoleChatPort } from './chat-port.js';
import { createLiveHub, shareAcrossReplicas } from './live-hub.js';
import { consoleRoutes } from './routes.js';

export type ConsoleOptions = {
  /** `console:` from config: with people listed, every console route needs a login. */
  login?: Pick<ConsoleConfig, 'people' | 'sessionSecret' | 'sessionHours'>;
};

/** The web console: the embedded default's chat, at `/`; with `login`, safe beyond loopback. */
export function consoleAdapter(options: ConsoleOptions = {}): ChatAdapterFactory {
  const login = options.login && consoleLoginConfigured(options.login) ? options.login : undefined;
  return async ({ database, logger }) => {
    // Every replica's browsers see every change, whichever replica made it (src/db/client.ts notify/listen).
    const hub = await shareAcrossReplicas(createLiveHub(), { database, logger });
    const port = createConsoleChatPort({ database, hub });
    return {
      port,
      routes: (ctx) =>
        consoleRoutes({
          database,
          hub,
          interactions: ctx.interactions,
          platform: ctx.platform,
          channels: ctx.channels,
          scenarios: scenarios.map((s) => ({ name: s.name, title: s.title })),
          startScenario: ctx.startScenario,
          logger: ctx.logger,
          home: ctx.home,
          ...(login ? { login } : {}),
          ...(ctx.threadNotes ? { threadNotes: ctx.threadNotes } : {}),
        }),
      // Open event streams would otherwise hold shutdown for the whole grace period.
      close: () => hub.stop(),
    };
  };
}

/** The zero-setup console of the loopback default: the person picker, no login. */
export const createConsoleAdapter: ChatAdapterFactory = consoleAdapter();
