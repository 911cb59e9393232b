import type { Interactions } from '../../src/chat/interactions.js';
import type { Database } from '../../src/db/client.js';
import { sendJson } from '../../src/http/respond.js';
import type { Route } from '../../src/http/router.js';
import type { Platform } from '../../src/platform/port.js';
import { scenarios as allScenarios } from '../../src/platform/scenarios/index.js';
import { ViewerQuery } from './api.js';
import { createConsoleChatPort } from './chat-port.js';
import { checkSameOrigin, fail, parseQuery } from './http.js';
import { interactionRoutes } from './interaction-routes.js';
import type { LiveHub } from './live-hub.js';
import { loadConsolePage, sendPage, type ConsolePage } from './page.js';
import { createPeople } from './people.js';
import { listVisible } from './store.js';

export type ConsoleRoutesDeps = {
  database: Database;
  hub: LiveHub;
  interactions: Interactions;
  platform: Pick<Platform, 'listEmployees'>;
  /** Starts a replay in the background; the console answers 202 without waiting for it. */
  startScenario: (name: string) => Promise<unknown> | void;
  /** Channels shown even before anything is posted in them (the default channel, #ops). */
  channels: string[];
  /** Defaults to every scenario Triage ships. */
  scenarios?: Array<{ name: string; title: string }>;
  logger?: { error(context: object, message: string): void };
  page?: ConsolePage;
};

/** The local web console: the page at `/` and the small JSON API and event stream behind it. */
export function consoleRoutes(deps: ConsoleRoutesDeps): Route[] {
  const { database, hub } = deps;
  const port = createConsoleChatPort({ database, hub });
  const people = createPeople(deps.platform);
  const scenarios = (deps.scenarios ?? allScenarios).map(({ name, title }) => ({ name, title }));
  // Read at start-up, so a missing page file fails `npm start` rather than the first visit.
  const page = deps.page ?? loadConsolePage();

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/',
      handler: (_req, res) => sendPage(res, page),
    },
    {
      method: 'GET',
      path: '/console/api/state',
      handler: async (req, res) => {
        const query = parseQuery(req, ViewerQuery);
        if (!query.ok) return fail(res, query.error);
        const viewer = query.value.as ?? null;
        const listed = await people.list();
        if (viewer !== null && listed.ok && !listed.value.some((p) => p.id === viewer)) {
          return fail(res, { code: 'unknown_person', message: `Nobody in this workspace has the id "${viewer}".` });
        }
        const messages = await listVisible(database.db, viewer);
        const channels = [...new Set([...deps.channels, ...messages.map((m) => m.channel).sort()])];
        sendJson(res, 200, {
          viewer,
          channels,
          messages,
          people: listed.ok ? listed.value.map(({ id, name, role }) => ({ id, name, role })) : [],
          ...(listed.ok ? {} : { peopleError: `The workspace's people could not be read: ${listed.error.message}` }),
          scenarios,
        });
      },
    },
    {
      method: 'GET',
      path: '/console/api/stream',
      handler: (req, res) => {
        const query = parseQuery(req, ViewerQuery);
        if (!query.ok) return fail(res, query.error);
        hub.attach(req, res, query.value.as ?? null);
      },
    },
    ...interactionRoutes({ database, port, interactions: deps.interactions, people }),
    {
      method: 'POST',
      path: '/console/api/scenarios/:name',
      handler: (req, res, params) => {
        req.resume();
        const name = params.name ?? '';
        if (!scenarios.some((s) => s.name === name)) {
          const known = scenarios.map((s) => s.name);
          return fail(res, { code: 'unknown_scenario', message: `There is no scenario "${name}"; choose one of: ${known.join(', ')}.`, extra: { scenarios: known } });
        }
        // A replay takes minutes of story time; its cards arrive through the live stream.
        Promise.resolve()
          .then(() => deps.startScenario(name))
          .catch((error: unknown) => deps.logger?.error({ err: error, scenario: name }, 'console could not play the scenario'));
        sendJson(res, 202, { started: name });
      },
    },
  ];
  // Every route that changes something checks where the request came from first.
  return routes.map((route) =>
    route.method === 'GET'
      ? route
      : {
          ...route,
          handler: (req, res, params) => {
            const same = checkSameOrigin(req);
            if (!same.ok) {
              req.resume();
              return fail(res, same.error);
            }
            return route.handler(req, res, params);
          },
        },
  );
}
