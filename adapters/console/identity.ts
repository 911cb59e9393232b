import type { IncomingMessage } from 'node:http';
import type { Route } from '../../src/http/router.js';
import { err, ok, type Result } from '../../src/result.js';
import { fail, type ConsoleError } from './http.js';
import type { People } from './people.js';
import type { Sessions } from './session.js';

/**
 * Who is acting in the console, decided in one place. Without login (loopback only) it is the
 * person picked on the page, as the request says. With login it is the session cookie's person
 * and nothing else: a request naming someone else is refused, never believed
 * (docs/architecture.md, "Console login").
 */
export type ConsolePerson = { id: string; name: string; role?: string };

export type Identity = {
  /** The page shows its login form instead of the picker. */
  login: boolean;
  /** The person a click or command acts as. */
  acting(req: IncomingMessage, claimed: string | undefined): Promise<Result<ConsolePerson, ConsoleError>>;
  /** Whose private messages the page and its stream show; null for nobody yet. */
  viewer(req: IncomingMessage, claimed: string | undefined): Result<string | null, ConsoleError>;
  /** Whom the page may act as: the workspace for the picker, or just the session's person. */
  people(req: IncomingMessage): Promise<Result<ConsolePerson[], string>>;
  /** When the request's session ends (ms), so a live stream ends with it; undefined without login. */
  expiresAt(req: IncomingMessage): number | undefined;
  /** Routes that answer 401 without a valid session when login is on; unchanged without. */
  guard(routes: Route[]): Route[];
};

const LOGIN_REQUIRED: ConsoleError = { code: 'login_required', message: 'Log in to use the console: your session is missing or has expired.' };

/** The zero-setup default on loopback: whoever is picked, from the platform's employees. */
export function pickerIdentity(people: People): Identity {
  return {
    login: false,
    async acting(_req, claimed) {
      if (claimed === undefined) return err({ code: 'invalid_body', message: 'The request body is not valid: personId: choose who you are in the person picker.' });
      const person = await people.find(claimed);
      return person.ok ? ok(person.value) : err(person.error);
    },
    viewer: (_req, claimed) => ok(claimed ?? null),
    async people() {
      const listed = await people.list();
      return listed.ok ? ok(listed.value) : err(`The workspace's people could not be read: ${listed.error.message}`);
    },
    expiresAt: () => undefined,
    guard: (routes) => routes,
  };
}

/** Console login: the signed session cookie says who acts. */
export function sessionIdentity(sessions: Sessions): Identity {
  const whoami = (req: IncomingMessage, claimed: string | undefined): Result<ConsolePerson, ConsoleError> => {
    const session = sessions.read(req);
    if (!session) return err(LOGIN_REQUIRED);
    const { id, name } = session.person;
    if (claimed !== undefined && claimed !== id) {
      return err({ code: 'not_you', message: `You are logged in as ${id}; the console acts only as the person logged in, not as ${claimed.slice(0, 64)}. Nothing was done.` });
    }
    return ok({ id, name });
  };
  return {
    login: true,
    acting: async (req, claimed) => whoami(req, claimed),
    viewer(req, claimed) {
      const person = whoami(req, claimed);
      return person.ok ? ok(person.value.id) : person;
    },
    async people(req) {
      const person = whoami(req, undefined);
      return person.ok ? ok([person.value]) : err(person.error.message);
    },
    expiresAt: (req) => sessions.read(req)?.expiresAt,
    guard: (routes) =>
      routes.map((route) => ({
        ...route,
        handler: (req, res, params) => {
          if (sessions.read(req)) return route.handler(req, res, params);
          req.resume();
          return fail(res, LOGIN_REQUIRED);
        },
      })),
  };
}
