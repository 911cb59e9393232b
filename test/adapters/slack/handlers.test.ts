import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { handleButton } from '../../../adapters/slack/actions/button.js';
import { slackChannels } from '../../../adapters/slack/channels.js';
import { forwardCommand } from '../../../adapters/slack/commands/forward.js';
import type { SlackHandlerDeps } from '../../../adapters/slack/handler-deps.js';
import { APOLOGY } from '../../../src/chat/answers.js';
import type { ClickInput, InteractionReply } from '../../../src/chat/interactions.js';
import { blockAction, commandBody, OPS_CHANNEL } from './support.js';

/** The entries called directly with fake ack/respond (Bolt's listener contract), the core faked. */
function harness(answer: (input: ClickInput) => Promise<InteractionReply>) {
  const order: string[] = [];
  const responses: Record<string, unknown>[] = [];
  const logged: string[] = [];
  const clicks: ClickInput[] = [];
  const deps: SlackHandlerDeps = {
    interactions: {
      click: async (input) => {
        order.push('click');
        clicks.push(input);
        return answer(input);
      },
      command: async () => {
        order.push('command');
        return { visibility: 'channel', text: 'for everyone' };
      },
    },
    work: { begin: async () => true, finish: async () => {}, resumeOrphans: async () => 0 },
    channels: slackChannels({ channel: OPS_CHANNEL, channels: { leads: 'C0LEADS' } }),
    defaultChannel: 'ops',
    logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(line) }),
    responder: { to: () => respond, close: () => {} },
  };
  const ack = async () => void order.push('ack');
  const respond = async (message: unknown) => {
    order.push('respond');
    responses.push(message as Record<string, unknown>);
  };
  return { deps, order, responses, logged, clicks, ack, respond };
}

describe('Slack entries', () => {
  it('a click acks first, then calls the core with the Actor and message, then answers privately', async () => {
    const h = harness(async () => ({ visibility: 'private', text: 'Dismissed.' }));
    const body = blockAction('v1|dismiss|insight:7', '1700000001.000100');
    await handleButton(h.deps, { body, ack: h.ack } as never);
    expect(h.order).toEqual(['ack', 'click', 'respond']);
    expect(h.clicks[0]).toEqual({
      actionId: 'v1|dismiss|insight:7',
      actor: { platform: 'slack', userId: 'U0JAMES', teamId: 'T0TEAM', name: 'james' },
      message: { platform: 'slack', channel: 'ops', messageId: `${OPS_CHANNEL}:1700000001.000100` },
    });
    expect(h.responses).toEqual([{ response_type: 'ephemeral', replace_original: false, text: 'Dismissed.' }]);
  });

  it('a failing core gets the person a private apology and the log the error with context', async () => {
    const h = harness(async () => {
      throw new Error('database went away');
    });
    await handleButton(h.deps, { body: blockAction('v1|dismiss|insight:7', '1.2'), ack: h.ack } as never);
    expect(h.order).toEqual(['ack', 'click', 'respond']);
    expect(h.responses).toEqual([{ response_type: 'ephemeral', replace_original: false, text: APOLOGY }]);
    expect(h.logged.join('\n')).toContain('Slack handler failed');
    expect(h.logged.join('\n')).toContain('database went away');
    expect(h.logged.join('\n')).toContain('v1|dismiss|insight:7');
  });

  it('a command acks first and shows a channel reply in the channel', async () => {
    const h = harness(async () => ({ visibility: 'private', text: '' }));
    const command = Object.fromEntries(new URLSearchParams(commandBody('/triage', 'status', { channel_id: 'C0LEADS' })));
    await forwardCommand(h.deps)({ command, ack: h.ack } as never);
    expect(h.order).toEqual(['ack', 'command', 'respond']);
    expect(h.responses).toEqual([{ response_type: 'in_channel', replace_original: false, text: 'for everyone' }]);
  });

  it('a malformed payload is not passed on: apology and log, no core call', async () => {
    const h = harness(async () => ({ visibility: 'private', text: '' }));
    await forwardCommand(h.deps)({ command: { command: '/triage', text: 'help', response_url: 'https://hooks.slack.test/x' }, ack: h.ack } as never);
    expect(h.order).toEqual(['ack', 'respond']);
    expect(h.responses[0]).toMatchObject({ response_type: 'ephemeral', text: APOLOGY });
  });
});
