import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { consoleMessages } from '../../../src/db/schema/console.js';
import { openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { assertConsoleTable, card, createFakeInteractions, openStream, postJson, startConsoleServer, type ConsoleServer, type FakeInteractions } from './support.js';

type Message = { id: string; channel: string; threadOf: string | null; visibleTo: string | null; card: { title: string; state: string; text: string } };
type State = { viewer: string | null; channels: string[]; messages: Message[]; people: Array<{ id: string; name: string; role: string }>; scenarios: Array<{ name: string }> };

/** The console's routes over real HTTP, a real PGlite, and a fake core behind Interactions. */
describe('console routes', () => {
  let database: TestDatabase;
  let server: ConsoleServer;
  let interactions: FakeInteractions;
  const started: string[] = [];
  const logged: unknown[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    await assertConsoleTable(database);
    interactions = createFakeInteractions();
    server = await startConsoleServer({
      database,
      interactions,
      heartbeatMs: 50,
      startScenario: async (name) => {
        started.push(name);
        if (name === 'retry-storm') throw new Error('intake unreachable');
      },
      logger: { error: (context) => logged.push(context) },
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.delete(consoleMessages);
    interactions.clicks.length = 0;
    interactions.commands.length = 0;
  });

  const state = async (query = ''): Promise<State> => (await (await fetch(`${server.url}/console/api/state${query}`)).json()) as State;
  const posted = async (channel: string, input: Parameters<typeof card>[0] = {}): Promise<string> => {
    const result = await server.port.post(channel, card(input));
    if (!result.ok) throw new Error('post failed');
    return result.value.messageId;
  };
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  it('serves the page at / with a policy that runs only its own scripts, each by its hash', async () => {
    const res = await fetch(server.url + '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('data-testid="messages"');
    const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
    expect(hashes.length).toBeGreaterThan(0);
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(/script-src ([^;]*);/.exec(policy)?.[1]?.split(' ')).toEqual(hashes);
    expect(policy).toMatch(/connect-src 'self'/);
  });

  it('shows each person the channel plus their own private messages, with the people and their roles', async () => {
    await posted('ops', { title: 'Public' });
    await posted('leads', { title: 'Leads only channel' });
    await server.port.replyPrivately('ops', 'mike', card({ title: 'For Mike' }));

    const mike = await state('?as=mike');
    expect(mike.viewer).toBe('mike');
    expect(mike.messages.map((m) => m.card.title)).toEqual(['Public', 'Leads only channel', 'For Mike']);
    expect(mike.channels).toEqual(['ops', 'leads']);
    expect(mike.people).toContainEqual({ id: 'priya', name: 'Priya', role: 'Data Scientist' });
    expect(mike.scenarios.map((s) => s.name)).toContain('cascading-failure');

    expect((await state('?as=priya')).messages.map((m) => m.card.title)).toEqual(['Public', 'Leads only channel']);
    expect((await state()).messages.map((m) => m.card.title)).toEqual(['Public', 'Leads only channel']);

    const stranger = await fetch(`${server.url}/console/api/state?as=mallory`);
    expect(stranger.status).toBe(400);
    expect((await errorOf(stranger)).message).toContain('mallory');
  });

  it('streams a created then an updated message, private ones only to their person, and cleans up on close', async () => {
    const mike = await openStream(`${server.url}/console/api/stream?as=mike`);
    const priya = await openStream(`${server.url}/console/api/stream?as=priya`);
    expect(mike.res.headers.get('content-type')).toContain('text/event-stream');
    await vi.waitFor(() => expect(server.hub.size()).toBe(2));

    const id = await posted('ops', { title: 'Runtimes down' });
    await server.port.update('ops', id, card({ title: 'Runtimes down', state: 'dismissed' }));
    await server.port.replyPrivately('ops', 'mike', card({ title: 'Only Mike' }));

    await vi.waitFor(() => expect(mike.events).toHaveLength(3));
    expect(mike.events.map((e) => [e.type, (e.data as Message).id === id, (e.data as Message).card.state])).toEqual([
      ['message.created', true, 'open'],
      ['message.updated', true, 'dismissed'],
      ['message.created', false, 'open'],
    ]);
    await vi.waitFor(() => expect(priya.comments).toContain('heartbeat'));
    expect(priya.events.map((e) => e.type)).toEqual(['message.created', 'message.updated']);

    await mike.close();
    await priya.close();
    await vi.waitFor(() => expect(server.hub.size()).toBe(0));
  });

  describe('clicks', () => {
    it('builds the console Actor, hands the core the click, and keeps a private reply for that person', async () => {
      const id = await posted('ops', { actions: [{ id: 'v1|dismiss|insight:1', label: 'Dismiss', value: 'from-the-card' }] });
      interactions.onClick = async () => ({ visibility: 'private', text: 'You dismissed it.' });
      const res = await postJson(`${server.url}/console/api/click`, { actionId: 'v1|dismiss|insight:1', personId: 'mike', channel: 'ops', messageId: id });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { reply: { text: string }; message: Message };
      expect(body.reply.text).toBe('You dismissed it.');
      expect(body.message).toMatchObject({ channel: 'ops', visibleTo: 'mike', card: { text: 'You dismissed it.' } });
      expect(interactions.clicks).toEqual([
        {
          actionId: 'v1|dismiss|insight:1',
          actor: { platform: 'console', userId: 'mike', name: 'Mike' },
          message: { platform: 'console', channel: 'ops', messageId: id },
          value: 'from-the-card',
        },
      ]);
    });

    it('puts a reply for the whole channel in the clicked card\'s thread', async () => {
      const id = await posted('ops', { actions: [{ id: 'v1|restart_runtime', label: 'Restart' }] });
      interactions.onClick = async () => ({ visibility: 'channel', text: 'Mike restarted bash-runtime-mike.' });
      const res = await postJson(`${server.url}/console/api/click`, { actionId: 'v1|restart_runtime', personId: 'mike', channel: 'ops', messageId: id });
      expect(((await res.json()) as { message: Message }).message).toMatchObject({ threadOf: id, visibleTo: null });
    });

    it.each([
      ['a missing field', { actionId: 'x', personId: 'mike', channel: 'ops' }, 400, 'invalid_body', 'messageId'],
      ['a channel with a #', { actionId: 'x', personId: 'mike', channel: '#ops', messageId: '1' }, 400, 'invalid_body', 'channel'],
      ['an unknown person', { actionId: 'x', personId: 'mallory', channel: 'ops', messageId: '1' }, 400, 'unknown_person', 'mallory'],
      ['an unknown message', { actionId: 'x', personId: 'mike', channel: 'ops', messageId: '999999' }, 404, 'message_not_found', '999999'],
    ])('answers %s with a reason', async (_name, body, status, code, mentions) => {
      const res = await postJson(`${server.url}/console/api/click`, body);
      expect(res.status).toBe(status);
      const error = await errorOf(res);
      expect(error.code).toBe(code);
      expect(error.message).toContain(mentions);
      expect(interactions.clicks).toEqual([]);
    });

    it('refuses a button the card does not have, and someone else\'s private message', async () => {
      const id = await posted('ops', { actions: [{ id: 'v1|dismiss|insight:1', label: 'Dismiss' }] });
      const forged = await postJson(`${server.url}/console/api/click`, { actionId: 'v1|grant_budget_override', personId: 'mike', channel: 'ops', messageId: id });
      expect(forged.status).toBe(409);
      expect((await errorOf(forged)).code).toBe('action_not_on_card');

      const stored = await server.port.store({ channel: 'ops', card: card({ actions: [{ id: 'v1|approve', label: 'Approve' }] }), visibleTo: 'priya' });
      if (!stored.ok) throw new Error('store failed');
      const notYours = await postJson(`${server.url}/console/api/click`, { actionId: 'v1|approve', personId: 'mike', channel: 'ops', messageId: stored.value.id });
      expect(notYours.status).toBe(404);
      expect(interactions.clicks).toEqual([]);
    });

    it('answers a body that is not JSON with 415 or 400', async () => {
      const text = await fetch(`${server.url}/console/api/click`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      expect(text.status).toBe(415);
      const broken = await fetch(`${server.url}/console/api/click`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
      expect(broken.status).toBe(400);
      expect((await errorOf(broken)).code).toBe('invalid_json');
    });
  });

  describe('commands', () => {
    it('splits "/cmd rest" as Slack does and keeps the core\'s answer private to the person', async () => {
      const res = await postJson(`${server.url}/console/api/command`, { text: '  /triage   help me ', personId: 'priya', channel: 'ops' });
      expect(res.status).toBe(200);
      expect(interactions.commands).toEqual([
        { command: '/triage', text: 'help me', actor: { platform: 'console', userId: 'priya', name: 'Priya' }, channel: 'ops', platform: 'console' },
      ]);
      expect((await state('?as=priya')).messages.map((m) => m.visibleTo)).toEqual(['priya']);
      expect((await state('?as=mike')).messages).toEqual([]);
    });

    it('passes an unknown command to the core, which answers it clearly', async () => {
      const res = await postJson(`${server.url}/console/api/command`, { text: '/nope', personId: 'mike', channel: 'ops' });
      const body = (await res.json()) as { reply: { text: string } };
      expect(body.reply.text).toContain('Unknown command /nope');
    });

    it.each([
      ['empty text', { text: '   ', personId: 'mike', channel: 'ops' }, 'empty_command', '/triage help'],
      ['text that is not a command', { text: 'hello', personId: 'mike', channel: 'ops' }, 'not_a_command', 'start with /'],
      ['an unknown person', { text: '/triage help', personId: 'mallory', channel: 'ops' }, 'unknown_person', 'mallory'],
      ['no person', { text: '/triage help', channel: 'ops' }, 'invalid_body', 'personId'],
    ])('answers %s with 400 and a reason', async (_name, body, code, mentions) => {
      const res = await postJson(`${server.url}/console/api/command`, body);
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe(code);
      expect(error.message).toContain(mentions);
      expect(interactions.commands).toEqual([]);
    });
  });

  describe('scenarios', () => {
    it('starts a known scenario and answers 202 at once', async () => {
      const res = await fetch(`${server.url}/console/api/scenarios/cascading-failure`, { method: 'POST' });
      expect(res.status).toBe(202);
      await vi.waitFor(() => expect(started).toContain('cascading-failure'));
    });

    it('logs a scenario that fails after the answer was sent', async () => {
      const res = await fetch(`${server.url}/console/api/scenarios/retry-storm`, { method: 'POST' });
      expect(res.status).toBe(202);
      await vi.waitFor(() => expect(logged).toContainEqual(expect.objectContaining({ scenario: 'retry-storm' })));
    });

    it('answers an unknown scenario with 404 and the valid names', async () => {
      const res = await fetch(`${server.url}/console/api/scenarios/meltdown`, { method: 'POST' });
      expect(res.status).toBe(404);
      const error = (await errorOf(res)) as { code: string; message: string; scenarios?: string[] };
      expect(error.code).toBe('unknown_scenario');
      expect(error.message).toContain('cascading-failure');
      expect(error.scenarios).toContain('cascading-failure');
      expect(started).not.toContain('meltdown');
    });

    it('offers no replay, and refuses one with the reason, while Triage watches a real platform', async () => {
      const watching = await startConsoleServer({ database, interactions });
      try {
        const listed = (await (await fetch(`${watching.url}/console/api/state`)).json()) as State;
        expect(listed.scenarios).toEqual([]);
        const res = await fetch(`${watching.url}/console/api/scenarios/cascading-failure`, { method: 'POST' });
        expect(res.status).toBe(409);
        const error = await errorOf(res);
        expect(error).toEqual({ code: 'scenarios_off', message: expect.stringMatching(/real platform \(PLATFORM_URL\)/) });
      } finally {
        await watching.close();
      }
    });
  });
});
