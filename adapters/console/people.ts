import type { Actor } from '../../src/actor.js';
import type { Employee, Platform, PlatformError } from '../../src/platform/port.js';
import { err, ok, type Result } from '../../src/result.js';

/**
 * Without console login, the console's people are the workspace's employees: choosing one in the
 * picker is acting as them, with no authentication; this is the local, single-user default on
 * loopback (with login, identity.ts takes the person from the session instead). The last list read
 * is kept so a platform that is briefly unreachable does not lock everyone out of the chat,
 * which is exactly when it is needed.
 */
export type PeopleError = { code: 'unknown_person'; message: string } | { code: 'people_unavailable'; message: string };

export type People = {
  list(): Promise<Result<Employee[], PlatformError>>;
  find(personId: string): Promise<Result<Employee, PeopleError>>;
};

export function createPeople(platform: Pick<Platform, 'listEmployees'>): People {
  let lastKnown: Employee[] | null = null;

  const list = async (): Promise<Result<Employee[], PlatformError>> => {
    const listed = await platform.listEmployees();
    if (listed.ok) lastKnown = listed.value;
    else if (lastKnown) return ok(lastKnown);
    return listed;
  };

  return {
    list,
    async find(personId) {
      const listed = await list();
      if (!listed.ok) return err({ code: 'people_unavailable', message: `The workspace's people could not be read: ${listed.error.message}` });
      const person = listed.value.find((p) => p.id === personId);
      if (person) return ok(person);
      const known = listed.value.map((p) => p.id).join(', ');
      return err({ code: 'unknown_person', message: `Nobody in this workspace has the id "${personId}"; choose one of: ${known}.` });
    },
  };
}

/** The adapter builds the Actor; the core authorises and audits on it (docs/architecture.md, conventions §4). */
export const consoleActor = (person: Pick<Employee, 'id' | 'name'>): Actor => ({ platform: 'console', userId: person.id, name: person.name });
