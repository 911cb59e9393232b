import type { ChatAdapterFactory } from '../../src/chat/adapter.js';
import { scenarios } from '../../src/platform/scenarios/index.js';
import { createConsoleChatPort } from './chat-port.js';
import { createLiveHub, shareAcrossReplicas } from './live-hub.js';
import { consoleRoutes } from './routes.js';

/** The local web console: the embedded default's chat, at `/`. */
export const createConsoleAdapter: ChatAdapterFactory = async ({ database, logger }) => {
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
      }),
    // Open event streams would otherwise hold shutdown for the whole grace period.
    close: () => hub.stop(),
  };
};
