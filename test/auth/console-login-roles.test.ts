import { describe, expect, it } from 'vitest';
import { createAuthoriser } from '../../src/auth/authoriser.js';
import { demoModeActive } from '../../src/auth/demo-roles.js';
import { RolesConfig } from '../../src/config.js';

const elena = { platform: 'console' as const, userId: 'elena', name: 'Elena' };
const employees = async () => [{ id: 'elena', name: 'Elena', role: 'Tech Lead' }];

/** With console login the console may face a network: job titles never grant anything (docs/architecture.md, "Console login"). */
describe('roles while console login is on', () => {
  it('turns the demo roles off even with no role configured', () => {
    expect(demoModeActive(RolesConfig.parse({}))).toBe(true);
    expect(demoModeActive(RolesConfig.parse({}), { consoleLogin: true })).toBe(false);
  });

  it('a Tech Lead is a viewer until roles name them, and the description says why', async () => {
    expect(await createAuthoriser({ roles: RolesConfig.parse({}), employees }).roleOf(elena)).toBe('approver');
    const auth = createAuthoriser({ roles: RolesConfig.parse({}), employees, consoleLogin: true });
    expect(await auth.roleOf(elena)).toBe('viewer');
    expect(auth.describe()[0]).toMatch(/^Console login is on, so the demo roles are off: console people are viewers until roles name them/);
    const named = createAuthoriser({ roles: RolesConfig.parse({ approvers: ['console:elena'] }), employees, consoleLogin: true });
    expect(await named.roleOf(elena)).toBe('approver');
    expect(named.describe()[0]).toMatch(/^Roles from configuration/);
  });
});
