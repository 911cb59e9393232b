import type { webApi } from '@slack/bolt';
import { HttpResponse } from 'msw';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackActor, slackPeople } from '../../../adapters/slack/people.js';
import { createWebClient } from '../../../adapters/slack/web-client.js';
import { createSlackFarSide, slackConfig, type SlackFarSide } from './support.js';

/**
 * The name resolver against Slack's Web API (the real WebClient, msw answering users.info from
 * the far side's member list): display name, else real name, else the handle; cached per team
 * and person for its TTL, bounded, and never failing or holding up the click it names.
 */
describe('Slack members named as Slack shows them (adapters/slack/people.ts)', () => {
  let slack: SlackFarSide;
  let client: webApi.WebClient;
  let clock = 0;
  const now = () => clock;
  const members = [
    { id: 'U0PRIYA', name: 'priya', display_name: 'Priya', real_name: 'Priya Raman' },
    { id: 'U0JAMES', name: 'james', display_name: '', real_name: 'James Okafor' },
    { id: 'U0GONE', name: 'gone', display_name: 'Gone Person', deleted: true },
    { id: 'U0ODD', name: 'odd', display_name: '  Line one\nline two\u0000 ', real_name: 'Odd' },
  ];
  beforeAll(() => {
    slack = createSlackFarSide({ members });
    slack.listen();
    client = createWebClient(slackConfig(), pino({ level: 'silent' }));
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    slack.reset();
    clock = 1_000_000;
  });
  const info = () => slack.calls('users.info');

  it('the display name, else the real name; a deleted or unknown member is named by the handle', async () => {
    const people = slackPeople(client, { now });
    expect(await people.nameOf({ teamId: 'T0TEAM', userId: 'U0PRIYA', handle: 'priya' })).toBe('Priya');
    expect(await people.nameOf({ teamId: 'T0TEAM', userId: 'U0JAMES', handle: 'james' })).toBe('James Okafor');
    expect(await people.nameOf({ teamId: 'T0TEAM', userId: 'U0GONE', handle: 'gone' })).toBe('gone');
    expect(await people.nameOf({ teamId: 'T0TEAM', userId: 'U0NOBODY', handle: 'nobody' })).toBe('nobody');
    // One line of storable text, as people chose it otherwise.
    expect(await people.nameOf({ teamId: 'T0TEAM', userId: 'U0ODD', handle: 'odd' })).toBe('Line one line two');
    // No handle and no answer: no name, and the Actor falls back to its id (src/actor.ts actorLabel).
    expect(await slackActor(people, { teamId: 'T0TEAM', userId: 'U0NOBODY' })).toEqual({ platform: 'slack', userId: 'U0NOBODY', teamId: 'T0TEAM' });
  });

  it('asks Slack once per person per hour: concurrent and later clicks share the answer, a rename shows after the TTL', async () => {
    const people = slackPeople(client, { now });
    const who = { teamId: 'T0TEAM', userId: 'U0PRIYA', handle: 'priya' };
    expect(await Promise.all([people.nameOf(who), people.nameOf(who)])).toEqual(['Priya', 'Priya']);
    clock += 59 * 60_000;
    expect(await people.nameOf(who)).toBe('Priya');
    expect(info()).toHaveLength(1);
    // Another workspace's U0PRIYA is another person.
    await people.nameOf({ ...who, teamId: 'T0OTHER' });
    expect(info()).toHaveLength(2);

    members[0]!.display_name = 'Priya R.';
    try {
      clock += 2 * 60_000;
      expect(await people.nameOf(who)).toBe('Priya R.');
      expect(info()).toHaveLength(3);
    } finally {
      members[0]!.display_name = 'Priya';
    }
  });

  it('a 500 or a rate limit gives the handle, is logged without the token, and is asked again after a minute, not on every click', async () => {
    const problems: { code: string; message: string }[] = [];
    const people = slackPeople(client, { now, onError: (problem) => problems.push(problem) });
    const who = { teamId: 'T0TEAM', userId: 'U0JAMES', handle: 'james' };
    slack.behave((call) => (call.method === 'users.info' ? HttpResponse.json({ ok: false, error: 'internal_error' }, { status: 500 }) : undefined));
    expect(await people.nameOf(who)).toBe('james');
    expect(await people.nameOf(who)).toBe('james');
    expect(info()).toHaveLength(1);
    slack.behave((call) => (call.method === 'users.info' ? HttpResponse.json({ ok: false, error: 'ratelimited' }, { status: 429, headers: { 'retry-after': '30' } }) : undefined));
    clock += 61_000;
    expect(await people.nameOf(who)).toBe('james');
    expect(info()).toHaveLength(2);
    slack.behave(undefined);
    clock += 61_000;
    expect(await people.nameOf(who)).toBe('James Okafor');
    expect(problems).toHaveLength(2);
    expect(JSON.stringify(problems)).not.toContain('xoxb-');
  });

  it('a users.info that hangs holds a click at most the wait, then names it by the handle; its late answer serves the next click', async () => {
    let answer: (value: unknown) => void = () => {};
    const hanging = { users: { info: () => new Promise((resolve) => (answer = resolve)) } } as unknown as webApi.WebClient;
    const people = slackPeople(hanging, { now, waitMs: 50 });
    const who = { teamId: 'T0TEAM', userId: 'U0JAMES', handle: 'james' };
    const started = performance.now();
    expect(await people.nameOf(who)).toBe('james');
    expect(performance.now() - started).toBeLessThan(1_000);
    answer({ ok: true, user: { real_name: 'James Okafor', profile: { display_name: '', real_name: 'James Okafor' } } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await people.nameOf(who)).toBe('James Okafor');
  });

  it('remembers at most maxEntries people, the least recently asked for going first', async () => {
    const people = slackPeople(client, { now, maxEntries: 2 });
    const ask = (userId: string) => people.nameOf({ teamId: 'T0TEAM', userId, handle: userId.toLowerCase() });
    await ask('U0PRIYA');
    await ask('U0JAMES');
    await ask('U0PRIYA');
    await ask('U0GONE');
    expect(info()).toHaveLength(3);
    await ask('U0PRIYA');
    expect(info()).toHaveLength(3);
    await ask('U0JAMES');
    expect(info()).toHaveLength(4);
  });
});
