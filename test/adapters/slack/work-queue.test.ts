import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { handleButton } from '../../../adapters/slack/actions/button.js';
import { BUSY } from '../../../src/chat/answers.js';
import { slackChannels } from '../../../adapters/slack/channels.js';
import { forwardCommand } from '../../../adapters/slack/commands/forward.js';
import type { SlackHandlerDeps } from '../../../adapters/slack/handler-deps.js';
import { createWorkQueue, POST_ACK_CAPACITY, POST_ACK_CONCURRENCY } from '../../../adapters/slack/work-queue.js';
import { blockAction, commandBody, OPS_CHANNEL } from './support.js';

/** Entries called as Bolt calls them, with a core that holds every command until released. */
function blockedCore() {
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const logged: string[] = [];
  const responses: Record<string, unknown>[] = [];
  const clickOrder: string[] = [];
  const deps: SlackHandlerDeps = {
    interactions: {
      command: async () => {
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return { visibility: 'private', text: 'done' };
      },
      click: async () => ({ visibility: 'private', text: 'clicked' }),
    },
    work: { begin: async () => true, finish: async () => {}, resumeOrphans: async () => 0 },
    channels: slackChannels({ channel: OPS_CHANNEL, channels: {} }),
    defaultChannel: 'ops',
    logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) }),
    // Commands' and clicks' response_urls differ (support.ts): a click's answer is kept in order with its ack.
    responder: {
      to: (url) => async (message) => void (url?.includes('/actions/') ? clickOrder.push(`respond ${message.text}`) : responses.push(message)),
      close: () => {},
    },
  };
  const acks: unknown[] = [];
  const command = (text: string) => {
    const payload = Object.fromEntries(new URLSearchParams(commandBody('/doctor', text)));
    return forwardCommand(deps)({
      command: payload,
      ack: async (answer?: unknown) => void acks.push(answer),
    } as never);
  };
  const releaseAll = () => releases.splice(0).forEach((release) => release());
  return { deps, acks, responses, clickOrder, logged, command, releaseAll, most: () => most, started: () => releases.length };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Slack post-ack work queue', () => {
  it('a burst of commands is acked at once, but only a few run the core at a time; each is answered', async () => {
    const h = blockedCore();
    const burst = Array.from({ length: 40 }, (_, i) => h.command(`db ${i}`));
    await turn();
    expect(h.acks).toHaveLength(40);
    expect(h.acks.every((a) => a === undefined)).toBe(true);
    expect(h.started()).toBe(POST_ACK_CONCURRENCY);
    while (h.responses.length < 40) {
      h.releaseAll();
      await turn();
    }
    await Promise.all(burst);
    expect(h.most()).toBe(POST_ACK_CONCURRENCY);
    expect(h.responses.map((r) => r.text)).toEqual(Array(40).fill('done'));
  });

  it('past its capacity a command is told in its ack that Triage is busy, and the core never sees it', async () => {
    const h = blockedCore();
    const accepted = POST_ACK_CONCURRENCY + POST_ACK_CAPACITY;
    const burst = Array.from({ length: accepted }, (_, i) => h.command(`db ${i}`));
    await turn();
    await h.command('one too many');
    expect(h.acks.at(-1)).toEqual({ response_type: 'ephemeral', text: BUSY });
    expect(h.logged.join('\n')).toContain('Slack work queue full');
    while (h.responses.length < accepted) {
      h.releaseAll();
      await turn();
    }
    await Promise.all(burst);
    // Every accepted command was answered; the refused one only by its ack.
    expect(h.responses).toHaveLength(accepted);
    expect(h.responses.every((r) => r.text === 'done')).toBe(true);
  });

  it('a click past capacity is acked, then told through response_url that Triage is busy', async () => {
    const h = blockedCore();
    const burst = Array.from({ length: POST_ACK_CONCURRENCY + POST_ACK_CAPACITY }, (_, i) => h.command(`db ${i}`));
    await turn();
    await handleButton(h.deps, {
      body: blockAction('v1|dismiss|insight:7', '1700000001.000100'),
      ack: async () => void h.clickOrder.push('ack'),
    } as never);
    expect(h.clickOrder).toEqual(['ack', `respond ${BUSY}`]);
    while (h.started() > 0 || h.responses.length < burst.length) {
      h.releaseAll();
      await turn();
    }
    await Promise.all(burst);
  });

  it('work submitted during a request starts only after that request has acked', async () => {
    const queue = createWorkQueue({ concurrency: 1, capacity: 1, onError: () => {} });
    const order: string[] = [];
    const done = queue.submit(async () => void order.push('work'));
    order.push('ack');
    await done;
    expect(order).toEqual(['ack', 'work']);
  });

  it('a job that throws past its boundary is reported and frees its slot', async () => {
    const errors: unknown[] = [];
    const queue = createWorkQueue({ concurrency: 1, capacity: 1, onError: (error) => errors.push(error) });
    const first = queue.submit(async () => {
      throw new Error('escaped');
    });
    const second = queue.submit(async () => {});
    expect(queue.submit(async () => {})).toBeUndefined();
    await Promise.all([first, second]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['escaped']);
    expect(queue.load()).toEqual({ running: 0, waiting: 0 });
  });
});
