import type { ServerResponse } from 'node:http';
import { recordAudit } from '../../src/audit/log.js';
import type { Interactions } from '../../src/chat/interactions.js';
import type { ConsoleConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { HomeEntry } from '../../src/home/surface.js';
import { sendJson } from '../../src/http/respond.js';
import type { Route } from '../../src/http/router.js';
import type { Platform } from '../../src/platform/port.js';
import { scenarios as allScenarios } from '../../src/platform/scenarios/index.js';
import { ViewerQuery } from './api.js';
import { createConsoleChatPort } from './chat-port.js';
import { checkSameOrigin, fail, parseQuery } from './http.js';
import { pickerIdentity, sessionIdentity, type Identity } from './identity.js';
import { homeRoutes } from './home-routes.js';
import { interactionRoutes } from './interaction-routes.js';
import { threadRoutes } from './thread-routes.js';
import type { ThreadNotes } from '../../src/incidents/thread-notes.js';
import type { LiveHub } from './live-hub.js';
import { loginRoutes, type LogLine } from './login-routes.js';
import { loadConsolePage, sendPage, type ConsolePage } from './page.js';
import { createPeople } from './people.js';
import { createSessions } from './session.js';
import { listVisible } from './store.js';

export type ConsoleRoutesDeps = {
  database: Database;
  hub: LiveHub;
  interactions: Interactions;
  platform: Pick<Platform, 'listEmployees'>;
  /** Starts a replay in the background; the console answers 202 without waiting for it. */
  startScenario?: (name: string) => Promise<unknown> | void;
  /** Channels shown even before anything is posted in them (the default channel, #ops). */
  channels: string[];
  /** Defaults to every scenario Triage ships. */
  scenarios?: Array<{ name: string; title: string }>;
  /** `error` for failed replays; `info` and `warn` for logins, when given. */
  logger?: { error: LogLine; warn?: LogLine; info?: LogLine };
  page?: ConsolePage;
  /** Console login (people and the session secret); without it, the person picker of the loopback default. */
  login?: Pick<ConsoleConfig, 'people' | 'sessionSecret' | 'sessionHours'>;
  /** The Home overview (src/home/): with it, the page's Home view and its buttons. */
  home?: HomeEntry;
  /** Replies typed in an incident's thread join its record (src/incidents/thread-notes.ts). */
  threadNotes?: ThreadNotes;
};

/** The local web console: the page at `/` and the small JSON API and event stream behind it. */
export function consoleRoutes(deps: ConsoleRoutesDeps): Route[] {
  const { database, hub } = deps;
  const port = createConsoleChatPort({ database, hub });
  const sessions = deps.login?.people.length ? createSessions(deps.login) : undefined;
  const identity = sessions ? sessionIdentity(sessions) : pickerIdentity(createPeople(deps.platform));
  // Read at start-up, so a missing page file fails `npm start` rather than the first visit.
  const page = deps.page ?? loadConsolePage();
  const home = deps.home ? { home: deps.home, identity, interactions: deps.interactions, port, defaultChannel: deps.channels[0] ?? 'ops' } : undefined;

  const routes: Route[] = [
    // With login on, the page answers 401 to a browser without a session; its script shows the login form.
    { method: 'GET', path: '/', handler: (req, res) => sendPage(res, page, identity.login && identity.expiresAt(req) === undefined ? 401 : 200) },
    ...identity.guard([
      ...viewRoutes(deps, identity),
      ...interactionRoutes({ database, port, interactions: deps.interactions, identity, ...(home ? { home } : {}) }),
      ...(home ? homeRoutes(home) : []),
      ...(deps.threadNotes ? threadRoutes({ database, port, identity, threadNotes: deps.threadNotes }) : []),
      scenarioRoute(deps),
    ]),
    ...(sessions ? loginRoutes({ sessions, audit: (entry) => recordAudit(database.db, entry), ...(deps.logger ? { logger: deps.logger } : {}) }) : []),
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

/** The snapshot of what the viewer may see, and the live stream of changes to it. */
function viewRoutes(deps: ConsoleRoutesDeps, identity: Identity): Route[] {
  // None offered while replays are off (a real platform): the page shows no replay button.
  const scenarios = deps.startScenario ? (deps.scenarios ?? allScenarios).map(({ name, title }) => ({ name, title })) : [];
  return [
    {
      method: 'GET',
      path: '/console/api/state',
      handler: async (req, res) => {
        const query = parseQuery(req, ViewerQuery);
        if (!query.ok) return fail(res, query.error);
        const viewer = identity.viewer(req, query.value.as);
        if (!viewer.ok) return fail(res, viewer.error);
        const listed = await identity.people(req);
        if (viewer.value !== null && listed.ok && !listed.value.some((p) => p.id === viewer.value)) {
          return fail(res, { code: 'unknown_person', message: `Nobody in this workspace has the id "${viewer.value}".` });
        }
        const messages = await listVisible(deps.database.db, viewer.value);
        const channels = [...new Set([...deps.channels, ...messages.map((m) => m.channel).sort()])];
        sendJson(res, 200, {
          viewer: viewer.value,
          login: identity.login,
          channels,
          messages,
          people: listed.ok ? listed.value.map(({ id, name, role }) => ({ id, name, role })) : [],
          ...(listed.ok ? {} : { peopleError: listed.error }),
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
        const viewer = identity.viewer(req, query.value.as);
        if (!viewer.ok) return fail(res, viewer.error);
        deps.hub.attach(req, res, viewer.value);
        endWithSession(res, identity.expiresAt(req));
      },
    },
  ];
}

/** A stream outlives no session: it ends when the session does, and the page asks for a login. */
function endWithSession(res: ServerResponse, expiresAt: number | undefined): void {
  if (expiresAt === undefined) return;
  const timer = setTimeout(() => res.end(), Math.max(0, expiresAt - Date.now()));
  timer.unref();
  res.on('close', () => clearTimeout(timer));
}

function scenarioRoute(deps: ConsoleRoutesDeps): Route {
  const scenarios = (deps.scenarios ?? allScenarios).map(({ name, title }) => ({ name, title }));
  return {
    method: 'POST',
    path: '/console/api/scenarios/:name',
    handler: (req, res, params) => {
      req.resume();
      const name = params.name ?? '';
      const start = deps.startScenario;
      if (!start) {
        return fail(res, { code: 'scenarios_off', message: 'Scenario replays are off: Triage is watching a real platform (PLATFORM_URL), and simulated events would raise real cards next to real ones.' });
      }
      if (!scenarios.some((s) => s.name === name)) {
        const known = scenarios.map((s) => s.name);
        return fail(res, { code: 'unknown_scenario', message: `There is no scenario "${name}"; choose one of: ${known.join(', ')}.`, extra: { scenarios: known } });
      }
      // A replay takes minutes of story time; its cards arrive through the live stream.
      Promise.resolve()
        .then(() => start(name))
        .catch((error: unknown) => deps.logger?.error({ err: error, scenario: name }, 'console could not play the scenario'));
      sendJson(res, 202, { started: name });
    },
  };
}
