import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { BUSY } from '../../../src/chat/answers.js';
import { withBoundary } from '../boundary.js';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { slackActor } from '../people.js';
import { SlashCommand } from '../payloads.js';
import { sendReply } from '../reply.js';
import type { Respond } from '../respond.js';
import { postAckQueue } from '../work-queue.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * Any slash command → the core's command list. Ack first (an empty 200 well inside Slack's 3 s),
 * then work, then answer through response_url. The work waits its turn in the adapter's bounded
 * post-ack queue; when that is full the ack itself says Triage is busy (Slack shows an ack's
 * text to the person), which costs no extra request at the moment Triage has least to spare.
 */
export const forwardCommand =
  (deps: SlackHandlerDeps) =>
  async ({ command, ack }: Args): Promise<void> => {
    const respond = deps.responder.to(command.response_url);
    const context = { slack: 'command', command: command.command };
    const done = postAckQueue(deps).submit(() => withBoundary({ logger: deps.logger, respond }, context, () => runCommand(deps, command, respond)));
    if (!done) return ack({ response_type: 'ephemeral', text: BUSY });
    await ack();
    await done;
  };

async function runCommand(deps: SlackHandlerDeps, command: Args['command'], respond: Respond): Promise<void> {
  const body = SlashCommand.parse(command);
  const input = {
    command: body.command,
    text: body.text,
    // After the ack, before the work is on record (see adapters/slack/people.ts for the wait's bound).
    actor: await slackActor(deps.people, { teamId: body.team_id, userId: body.user_id, handle: body.user_name }),
    channel: deps.channels.logicalOf(body.channel_id, deps.defaultChannel),
    platform: 'slack' as const,
  };
  // trigger_id is unique per invocation: a redelivered request carries the same one. The work is
  // on record before it runs, so another replica answers if this one dies (src/chat/pending-work.ts).
  const key = `command:${body.team_id}:${body.trigger_id}`;
  if (!(await deps.work.begin(key, 'slack', { kind: 'command', input, address: body.response_url }))) {
    deps.logger.info({ command: body.command, trigger: body.trigger_id }, 'Slack redelivered a command; already handled');
    return;
  }
  try {
    await sendReply(respond, await deps.interactions.command(input));
  } finally {
    await deps.work.finish(key);
  }
}
