import { webApi } from '@slack/bolt';
import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slackGroupIds, slackGroupsOf } from '../../../adapters/slack/user-groups.js';
import { webClientOptions } from '../../../adapters/slack/web-client.js';
import type { Actor } from '../../../src/actor.js';
import { createAuthoriser } from '../../../src/auth/authoriser.js';
import { RolesConfig } from '../../../src/config.js';
import { createSlackFarSide, SLACK_API, type ApiCall } from './support.js';

const slack = (userId: string): Actor => ({ platform: 'slack', userId, teamId: 'T0TEAM' });

/** Slack's user groups as the far side knows them; tests edit it to move people around. */
const groups: Record<string, string[]> = {};
let failing: Response | undefined;
const answerGroups = (call: ApiCall): Response | undefined => {
  if (call.method !== 'usergroups.users.list') return undefined;
  if (failing) return failing.clone();
  const users = groups[String(call.body.usergroup)];
  return HttpResponse.json(users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' });
};

describe('Slack user groups as role members', () => {
  const farSide = createSlackFarSide();
  let client: webApi.WebClient;
  let clock = 0;
  const now = () => clock;

  beforeAll(() => {
    farSide.listen();
    // After listen: the client captures its HTTP transport when it is built.
    client = new webApi.WebClient('xoxb-test-token', webClientOptions({ apiUrl: SLACK_API }));
  });
  afterEach(() => {
    farSide.reset();
    failing = undefined;
    clock = 0;
    for (const id of Object.keys(groups)) delete groups[id];
  });
  afterAll(() => farSide.close());

  const lookups = () => farSide.calls('usergroups.users.list').map((c) => c.body.usergroup);

  it('returns the configured groups a Slack user is in, and nothing for other platforms', async () => {
    Object.assign(groups, { S0APPROVERS: ['U1', 'U2'], S0ONCALL: ['U2'], S0OTHER: ['U1'] });
    farSide.behave(answerGroups);
    const groupsOf = slackGroupsOf(client, ['slack-group:S0APPROVERS', 'S0ONCALL'], { now });
    expect(await groupsOf(slack('U2'))).toEqual(['slack-group:S0APPROVERS', 'slack-group:S0ONCALL']);
    expect(await groupsOf(slack('U1'))).toEqual(['slack-group:S0APPROVERS']);
    expect(await groupsOf(slack('U9'))).toEqual([]);
    expect(await groupsOf({ platform: 'console', userId: 'U1' })).toEqual([]);
    expect(lookups().sort()).toEqual(['S0APPROVERS', 'S0ONCALL']);
  });

  it('asks Slack once per group per TTL, sharing one call between concurrent clicks', async () => {
    groups.S0A = ['U1'];
    farSide.behave(answerGroups);
    const groupsOf = slackGroupsOf(client, ['slack-group:S0A'], { now, ttlMs: 60_000 });
    await Promise.all(Array.from({ length: 20 }, () => groupsOf(slack('U1'))));
    clock = 59_999;
    expect(await groupsOf(slack('U1'))).toEqual(['slack-group:S0A']);
    expect(lookups()).toEqual(['S0A']);

    // Someone leaves the group: the change shows once the cached list expires.
    groups.S0A = [];
    clock = 60_000;
    expect(await groupsOf(slack('U1'))).toEqual([]);
    expect(lookups()).toEqual(['S0A', 'S0A']);
  });

  it('keeps the last good member list when Slack fails, and asks again on the next click', async () => {
    groups.S0A = ['U1'];
    farSide.behave(answerGroups);
    const errors: string[] = [];
    const groupsOf = slackGroupsOf(client, ['slack-group:S0A'], { now, ttlMs: 1_000, onError: (e, id) => errors.push(`${id}: ${(e as Error).message}`) });
    expect(await groupsOf(slack('U1'))).toEqual(['slack-group:S0A']);

    clock = 5_000;
    failing = HttpResponse.json({ ok: false, error: 'ratelimited' }, { status: 500 });
    expect(await groupsOf(slack('U1'))).toEqual(['slack-group:S0A']);
    expect(await groupsOf(slack('U1'))).toEqual(['slack-group:S0A']);
    expect(lookups()).toEqual(['S0A', 'S0A', 'S0A']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^S0A: /);
  });

  it('counts nobody as a member of a group it could never read (a missing usergroups:read scope)', async () => {
    failing = HttpResponse.json({ ok: false, error: 'missing_scope', needed: 'usergroups:read', provided: 'chat:write' });
    farSide.behave(answerGroups);
    const errors: string[] = [];
    const groupsOf = slackGroupsOf(client, ['slack-group:S0A'], { now, onError: (e) => errors.push((e as Error).message) });
    expect(await groupsOf(slack('U1'))).toEqual([]);
    expect(errors).toEqual([expect.stringContaining('missing_scope')]);
  });

  it('lets a Slack user group hold a role in the authoriser, end to end', async () => {
    Object.assign(groups, { S0APPROVERS: ['U7'] });
    farSide.behave(answerGroups);
    const roles = RolesConfig.parse({ responders: ['slack:U1'], approvers: ['slack-group:S0APPROVERS'] });
    expect(slackGroupIds(roles)).toEqual(['slack-group:S0APPROVERS']);
    const auth = createAuthoriser({ roles, groupsOf: slackGroupsOf(client, slackGroupIds(roles), { now }) });
    expect(await auth.authorise(slack('U7'), 'approver')).toEqual({ ok: true, value: 'approver' });
    const refused = await auth.authorise(slack('U1'), 'approver');
    expect(refused.ok || refused.error.message).toBe(
      'needs the approver role; you are a responder. Ask someone who has it: slack-group:S0APPROVERS. Nothing was done.',
    );
  });
});
