import type { AllMiddlewareArgs, App, BlockAction as BoltBlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { BUSY } from '../../../src/chat/answers.js';
import { withBoundary } from '../boundary.js';
import { messageIdOf } from '../channels.js';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { slackActor } from '../people.js';
import { BlockAction } from '../payloads.js';
import { sendReply } from '../reply.js';
import type { Respond } from '../respond.js';
import { postAckQueue } from '../work-queue.js';

type Args = SlackActionMiddlewareArgs<BoltBlockAction> & AllMiddlewareArgs;

/**
 * Every button → the core's click. The card changes only through the outbox (the core publishes
 * the dismissed card), so this answers the clicker and never edits the card itself. The click's
 * work waits its turn in the adapter's bounded post-ack queue, as a command's does.
 */
export function registerButtons(app: App, deps: SlackHandlerDeps): void {
  app.action<BoltBlockAction>({ type: 'block_actions' }, (args) => handleButton(deps, args));
}

export async function handleButton(deps: SlackHandlerDeps, { body, ack }: Args): Promise<void> {
  const respond = deps.responder.to(body.response_url);
  const context = { slack: 'block_action', action: body.actions[0]?.action_id };
  const done = postAckQueue(deps).submit(() => withBoundary({ logger: deps.logger, respond }, context, () => click(deps, body, respond)));
  await ack();
  // A click's ack cannot carry a message, so a full queue is said through response_url.
  if (!done) return withBoundary({ logger: deps.logger }, context, () => respond({ response_type: 'ephemeral', replace_original: false, text: BUSY }));
  await done;
}

async function click(deps: SlackHandlerDeps, body: Args['body'], respond: Respond): Promise<void> {
  const payload = BlockAction.parse(body);
  const action = payload.actions[0]!;
  const teamId = payload.team?.id ?? payload.user.team_id ?? '-';
  const slackChannel = payload.channel?.id ?? payload.container?.channel_id;
  const ts = payload.message?.ts ?? payload.container?.message_ts;
  if (!slackChannel || !ts) throw new Error('block action without a channel and message');
  // Named here, after the ack and before the work is on record, so a replica resuming it says the same name.
  const actor = await slackActor(deps.people, { teamId: payload.team?.id ?? payload.user.team_id, userId: payload.user.id, handle: payload.user.username ?? payload.user.name });
  const input = {
    actionId: action.action_id,
    actor,
    message: { platform: 'slack' as const, channel: deps.channels.logicalOf(slackChannel, deps.defaultChannel), messageId: messageIdOf(slackChannel, ts) },
    ...(action.value === undefined ? {} : { value: action.value }),
  };
  // Slack stamps each click with its own action_ts: the same click redelivered has the same one.
  // The work is on record before it runs, so another replica answers if this one dies.
  const key = `action:${teamId}:${payload.user.id}:${action.action_ts}:${action.action_id}`;
  if (!(await deps.work.begin(key, 'slack', { kind: 'click', input, address: payload.response_url }))) {
    deps.logger.info({ action: action.action_id, user: payload.user.id }, 'Slack redelivered a click; already handled');
    return;
  }
  try {
    await sendReply(respond, await deps.interactions.click(input));
  } finally {
    await deps.work.finish(key);
  }
}
