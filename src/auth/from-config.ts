import type { Logger } from 'pino';
import type { Actor } from '../actor.js';
import { consoleLoginConfigured, type Config } from '../config.js';
import type { Platform } from '../platform/port.js';
import { createAuthoriser, type Authoriser } from './authoriser.js';

/**
 * Who may press what, from `roles:` in config: people by chat id or by the platform's employee
 * list, or by a chat group (adapters answer `groupsOf`). Built before actions and incidents,
 * which both ask it, so neither has to be built before the other.
 */
export function authoriserFromConfig(deps: {
  config: Config;
  platform: Platform;
  groupsOf?: (actor: Actor) => Promise<string[]>;
  logger: Logger;
}): Authoriser {
  return createAuthoriser({
    roles: deps.config.roles,
    consoleLogin: consoleLoginConfigured(deps.config.console),
    ...(deps.groupsOf ? { groupsOf: deps.groupsOf } : {}),
    employees: async () => {
      const listed = await deps.platform.listEmployees();
      if (!listed.ok) throw new Error(listed.error.message);
      return listed.value;
    },
    onLookupError: (error, what) => deps.logger.warn({ err: error, what }, 'role lookup failed; deciding without it'),
  });
}
