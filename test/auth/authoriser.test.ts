import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/actor.js';
import { createAuthoriser } from '../../src/auth/authoriser.js';
import { RolesConfig } from '../../src/config.js';
import type { Employee } from '../../src/platform/port.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';

const slack = (userId: string): Actor => ({ platform: 'slack', userId, teamId: 'T0TEAM' });
const consolePerson = (userId: string): Actor => ({ platform: 'console', userId });
const roles = (config: Partial<RolesConfig>) => RolesConfig.parse(config);
const refusedMessage = (result: { ok: boolean; error?: { message: string } }) => (result.ok ? 'allowed' : result.error?.message);

describe('authoriser with configured roles', () => {
  it('gives a person listed under several roles the highest of them', async () => {
    const auth = createAuthoriser({ roles: roles({ responders: ['slack:U1'], admins: ['slack:U1'] }) });
    expect(await auth.roleOf(slack('U1'))).toBe('admin');
    expect(await auth.roleOf(slack('U2'))).toBe('viewer');
    // A Slack user id typed into the console is not that Slack user.
    expect(await auth.roleOf(consolePerson('U1'))).toBe('viewer');
  });

  it('grants a role through a group the person is in, and only through configured groups', async () => {
    const auth = createAuthoriser({
      roles: roles({ responders: ['slack:U1'], approvers: ['slack-group:S0APPROVERS'] }),
      groupsOf: async (actor) => (actor.userId === 'U7' ? ['slack-group:S0APPROVERS', 'slack-group:S0OTHER'] : ['slack-group:S0OTHER']),
    });
    expect(await auth.roleOf(slack('U7'))).toBe('approver');
    expect(await auth.roleOf(slack('U8'))).toBe('viewer');
    expect(await auth.authorise(slack('U7'), 'approver')).toEqual({ ok: true, value: 'approver' });
    expect(refusedMessage(await auth.authorise(slack('U8'), 'responder'))).toBe(
      'needs the responder role; you are a viewer. Ask someone who has it: slack:U1, slack-group:S0APPROVERS. Nothing was done.',
    );
  });

  it('does not let a directory vouch for an identity, only for group memberships', async () => {
    const auth = createAuthoriser({
      roles: roles({ admins: ['slack:UADMIN'], responders: ['slack-group:S0R'] }),
      groupsOf: async () => ['slack:UADMIN', 'console:grace'],
    });
    expect(await auth.roleOf(slack('U9'))).toBe('viewer');
  });

  it('falls back to direct membership when the group lookup fails, and never throws', async () => {
    const errors: string[] = [];
    const auth = createAuthoriser({
      roles: roles({ responders: ['slack:U1'], approvers: ['slack-group:S0APPROVERS'] }),
      groupsOf: async () => {
        throw new Error('slack is down');
      },
      onLookupError: (error, what) => errors.push(`${what}: ${(error as Error).message}`),
    });
    expect(await auth.roleOf(slack('U1'))).toBe('responder');
    expect(refusedMessage(await auth.authorise(slack('U7'), 'approver'))).toBe(
      'needs the approver role; you are a viewer. Ask someone who has it: slack-group:S0APPROVERS. ' +
        'Your group memberships could not be checked just now, so only roles given to you by name counted; try again in a minute. ' +
        'Nothing was done.',
    );
    // No group holds admin: the failed lookup changed nothing, so the refusal does not mention it.
    expect(refusedMessage(await auth.authorise(slack('U1'), 'admin'))).toBe(
      'needs the admin role; you are a responder. Nobody has it yet: an operator can grant it with TRIAGE_ADMINS or roles.admins in triage.config.yml. Nothing was done.',
    );
    expect(errors).toEqual(['groups: slack is down', 'groups: slack is down', 'groups: slack is down']);
  });

  it('gives up on a group lookup that hangs, so a click is answered in time', async () => {
    const errors: unknown[] = [];
    const auth = createAuthoriser({
      roles: roles({ responders: ['slack:U1', 'slack-group:S0R'] }),
      groupsOf: () => new Promise<string[]>(() => {}),
      lookupTimeoutMs: 50,
      onLookupError: (error) => errors.push(error),
    });
    const started = Date.now();
    expect(await auth.roleOf(slack('U1'))).toBe('responder');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors).toHaveLength(1);
  });

  it('does not ask for groups when no group holds a role', async () => {
    let asked = 0;
    const auth = createAuthoriser({ roles: roles({ responders: ['slack:U1'] }), groupsOf: async () => (asked++, []) });
    await auth.roleOf(slack('U2'));
    expect(asked).toBe(0);
  });

  it('says how to grant a role nobody holds, and shortens long lists of holders', async () => {
    const many = Array.from({ length: 9 }, (_, i) => `slack:U${i}`);
    const auth = createAuthoriser({ roles: roles({ responders: many }) });
    expect(refusedMessage(await auth.authorise(slack('U0'), 'admin'))).toBe(
      'needs the admin role; you are a responder. Nobody has it yet: an operator can grant it with TRIAGE_ADMINS or roles.admins in triage.config.yml. Nothing was done.',
    );
    const refused = await auth.authorise(slack('UX'), 'responder');
    expect(refusedMessage(refused)).toBe(
      'needs the responder role; you are a viewer. Ask someone who has it: slack:U0, slack:U1, slack:U2, slack:U3, slack:U4, slack:U5 and 3 more. Nothing was done.',
    );
    expect(!refused.ok && refused.error.holders).toEqual(many);
  });

  it('describes who holds what for the start-up banner', () => {
    const auth = createAuthoriser({ roles: roles({ responders: ['slack:U1', 'console:mike'], approvers: ['slack-group:S0A'] }) });
    expect(auth.describe()).toEqual([
      'Roles from configuration (each role may also do what the ones below it may):',
      'admins: nobody',
      'approvers: slack-group:S0A',
      'responders: slack:U1, console:mike',
      'viewers: everyone else',
      'Two-person rule: on (a requester cannot approve their own request).',
    ]);
    expect(createAuthoriser({ roles: roles({ admins: ['slack:U1'], twoPersonRule: false }) }).describe().at(-1)).toBe(
      'Two-person rule: off (a requester may approve their own request).',
    );
  });
});

describe('authoriser zero-config demo default, on the seed workspace', () => {
  let database: TestDatabase;
  let sim: Simulator;
  let platformUp = true;
  const employees = async (): Promise<Employee[]> => {
    if (!platformUp) throw new Error('platform unreachable');
    const listed = await sim.listEmployees();
    if (!listed.ok) throw new Error(listed.error.message);
    return listed.value;
  };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    sim = await createSimulator({ database, emit: async () => {} });
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  it('lets console people act by job title: leads, managers and heads approve, everyone else responds', async () => {
    const auth = createAuthoriser({ roles: roles({}), employees });
    expect(await auth.roleOf(consolePerson('elena'))).toBe('approver'); // Tech Lead
    expect(await auth.roleOf(consolePerson('alex'))).toBe('approver'); // Product Manager
    expect(await auth.roleOf(consolePerson('mike'))).toBe('responder'); // Backend Engineer
    expect(await auth.roleOf(consolePerson('nobody'))).toBe('viewer');
    expect(await auth.authorise(consolePerson('mike'), 'responder')).toEqual({ ok: true, value: 'responder' });
    expect(refusedMessage(await auth.authorise(consolePerson('mike'), 'approver'))).toBe(
      'needs the approver role; you are a responder. Ask someone who has it: console:alex, console:elena. Nothing was done.',
    );
    expect(auth.describe()[0]).toMatch(/^Roles: none configured, so the local demo default is on/);
  });

  it('gives nobody on a real chat platform any power without configuration', async () => {
    const auth = createAuthoriser({ roles: roles({}), employees });
    expect(await auth.roleOf(slack('elena'))).toBe('viewer');
    expect(await auth.roleOf({ platform: 'discord', userId: 'mike' })).toBe('viewer');
    expect(refusedMessage(await auth.authorise(consolePerson('elena'), 'admin'))).toMatch(/^needs the admin role; you are an approver\. Nobody has it yet/);
  });

  it('is off entirely once any role is configured', async () => {
    const auth = createAuthoriser({ roles: roles({ admins: ['slack:UADMIN'] }), employees });
    expect(await auth.roleOf(consolePerson('elena'))).toBe('viewer');
    expect(await auth.roleOf(consolePerson('mike'))).toBe('viewer');
    expect(auth.describe()[0]).toBe('Roles from configuration (each role may also do what the ones below it may):');
  });

  it('keeps the last known people while the platform is unreachable, and refuses when it never knew them', async () => {
    const failures: string[] = [];
    const onLookupError = (_: unknown, what: string) => void failures.push(what);
    const auth = createAuthoriser({ roles: roles({}), employees, onLookupError });
    expect(await auth.roleOf(consolePerson('elena'))).toBe('approver');
    platformUp = false;
    try {
      expect(await auth.roleOf(consolePerson('elena'))).toBe('approver');
      const fresh = createAuthoriser({ roles: roles({}), employees, onLookupError });
      expect(await fresh.roleOf(consolePerson('elena'))).toBe('viewer');
      expect(failures).toEqual(['employees', 'employees']);
    } finally {
      platformUp = true;
    }
  });
});
