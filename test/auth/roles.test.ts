import { describe, expect, it } from 'vitest';
import { actorKey, atLeast, Role, withArticle } from '../../src/auth/roles.js';

describe('roles', () => {
  it('are ordered: each role may do what the roles below it may, and nothing above', () => {
    const allowed = (held: Role) => Role.options.filter((needed) => atLeast(held, needed));
    expect(allowed('viewer')).toEqual(['viewer']);
    expect(allowed('responder')).toEqual(['viewer', 'responder']);
    expect(allowed('approver')).toEqual(['viewer', 'responder', 'approver']);
    expect(allowed('admin')).toEqual(['viewer', 'responder', 'approver', 'admin']);
  });

  it('parse from config text and reject anything else', () => {
    expect(Role.parse('approver')).toBe('approver');
    expect(Role.safeParse('owner').success).toBe(false);
  });

  it('key a person by platform and user id, the same syntax the roles config uses', () => {
    expect(actorKey({ platform: 'slack', userId: 'U0123ABC', teamId: 'T0TEAM', name: 'Priya' })).toBe('slack:U0123ABC');
    expect(actorKey({ platform: 'console', userId: 'mike', name: 'Mike' })).toBe('console:mike');
    // The same user id on two platforms is two people.
    expect(actorKey({ platform: 'discord', userId: 'mike' })).not.toBe(actorKey({ platform: 'console', userId: 'mike' }));
  });

  it('are named in sentences with the right article', () => {
    expect(Role.options.map(withArticle)).toEqual(['a viewer', 'a responder', 'an approver', 'an admin']);
  });
});
