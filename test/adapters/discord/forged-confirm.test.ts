import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { discordChannels } from '../../../adapters/discord/channels.js';
import { interactionsHandler } from '../../../adapters/discord/interactions.js';
import { memberRoles } from '../../../adapters/discord/member-roles.js';
import type { ClickInput } from '../../../src/chat/interactions.js';
import { createWorkQueue } from '../../../src/chat/work-queue.js';
import { ok } from '../../../src/result.js';
import { buttonInteraction, OPS_CHANNEL } from './far-side.js';

/**
 * A "?" button asks "are you sure?" and stores the question. Found by fuzzing signed interactions
 * (test/fuzz/chat-routes.test.ts): a forged "?<anything>" stored a question too, one row per
 * request. Only a button Triage could have made is asked about; a forged one is refused in words.
 */
describe('a forged ask-first button', () => {
  function handler() {
    const asked: string[] = [];
    const clicks: ClickInput[] = [];
    const answers: Array<{ token: string; body: object }> = [];
    const handle = interactionsHandler({
      verify: () => ({ ok: true }),
      interactions: {
        click: async (input) => (clicks.push(input), { visibility: 'private', text: 'Triage does not recognise that button. Nothing was done.' }),
        command: async () => ({ visibility: 'private', text: 'unused' }),
      },
      channels: discordChannels({ channel: OPS_CHANNEL, channels: {} }),
      defaultChannel: 'ops',
      followUps: { editOriginal: async () => ok({}), post: async (token, body) => (answers.push({ token, body }), ok({})) },
      render: () => ({ embeds: [], components: [] }),
      roles: memberRoles(),
      confirmations: { ask: async (actionId) => (asked.push(actionId), { type: 4, data: { content: 'Are you sure?' } }), take: async () => undefined },
      queue: createWorkQueue({ concurrency: 1, capacity: 4, onError: () => {} }),
      work: { begin: async () => true, finish: async () => {}, resumeOrphans: async () => 0 },
      logger: pino({ level: 'silent' }),
    });
    const press = async (customId: string) => {
      const req = Object.assign(Readable.from([Buffer.from(JSON.stringify(buttonInteraction(customId, '1400000000000000001')))]), { headers: {} }) as unknown as IncomingMessage;
      let sent = '';
      const res = { writeHead: () => res, end: (text: string) => void (sent = text) } as unknown as ServerResponse;
      await handle(req, res, {});
      return JSON.parse(sent) as { type: number };
    };
    return { press, asked, clicks, answers };
  }

  it('is not asked about: it reaches the core, which answers in words, and no question is stored', async () => {
    const discord = handler();
    for (const forged of ['?', '?garbage', '?v2|dismiss', '?\u202e']) {
      expect(await discord.press(forged)).toEqual({ type: 6 });
    }
    expect(discord.asked).toEqual([]);
    expect(discord.clicks.map((c) => c.actionId)).toEqual(['?', '?garbage', '?v2|dismiss', '?\u202e']);
    expect(discord.answers).toHaveLength(4);
  });

  it('a button Triage made is still asked about first', async () => {
    const discord = handler();
    expect(await discord.press('?v1|force_restart_worker|insight:1|worker:w-1')).toMatchObject({ type: 4 });
    expect(discord.asked).toEqual(['v1|force_restart_worker|insight:1|worker:w-1']);
    expect(discord.clicks).toEqual([]);
  });
});
