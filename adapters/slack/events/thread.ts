import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ThreadNoteInput, ThreadNotes } from '../../../src/incidents/thread-notes.js';
import { messageIdOf } from '../channels.js';
import { slackActor, type SlackPeople } from '../people.js';

/** What the thread entry needs: the core's thread notes, the names, the adapter's logger. */
export type ThreadEventDeps = { threadNotes: ThreadNotes; people?: SlackPeople | undefined; logger: Logger };

const Id = z.string().min(1).max(200);
const Ts = z.string().regex(/^\d{1,12}(\.\d{1,9})?$/, 'a Slack ts');

/** A person's message; bot_id marks any bot's, Triage's own posts included. */
const Written = z.object({
  user: Id,
  text: z.string().max(100_000).default(''),
  ts: Ts,
  thread_ts: Ts.optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
});

/** Subtypes that are still a person writing: a reply also sent to the channel, a file with a comment. */
const WRITTEN_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

const Posted = Written.extend({ type: z.literal('message'), channel: Id });
const Changed = z.object({ type: z.literal('message'), subtype: z.literal('message_changed'), channel: Id, message: Written });
const Deleted = z.object({
  type: z.literal('message'),
  subtype: z.literal('message_deleted'),
  channel: Id,
  deleted_ts: Ts,
  previous_message: z.object({ user: Id.optional(), thread_ts: Ts.optional(), bot_id: z.string().optional() }).loose(),
});

type Change = Omit<ThreadNoteInput, 'actor'> & { user: string };

/** Slack escapes &, < and > in message text; the record keeps what was typed, and renderers escape it again. */
const plain = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const dateOf = (ts: string): Date => new Date(Math.floor(Number(ts) * 1000));
/** A reply: in a thread, and not the thread's root (whose thread_ts is its own ts). */
const isReply = (m: { ts: string; thread_ts?: string | undefined }): m is { ts: string; thread_ts: string } => m.thread_ts !== undefined && m.thread_ts !== m.ts;
const isPerson = (m: z.infer<typeof Written>): boolean => !m.bot_id && m.subtype !== 'bot_message' && WRITTEN_SUBTYPES.has(m.subtype);

/**
 * A message event as a change to an incident thread's record, or undefined for anything that is
 * not a person's reply in a thread (channel messages, bots, joins, topic changes…). Whether the
 * thread is an incident's is the core's question (src/incidents/thread-notes.ts).
 */
export function threadChange(event: unknown): Change | undefined {
  const base = (channel: string, threadTs: string, ts: string) => ({ platform: 'slack' as const, channel, threadMessageId: messageIdOf(channel, threadTs), messageId: ts, at: dateOf(ts) });
  const changed = Changed.safeParse(event);
  if (changed.success) {
    const m = changed.data.message;
    return isReply(m) && isPerson(m) ? { ...base(changed.data.channel, m.thread_ts, m.ts), user: m.user, text: plain(m.text), change: 'edited' } : undefined;
  }
  const deleted = Deleted.safeParse(event);
  if (deleted.success) {
    const { previous_message: before, deleted_ts: ts, channel } = deleted.data;
    if (before.bot_id || before.thread_ts === undefined || before.thread_ts === ts) return undefined;
    return { ...base(channel, before.thread_ts, ts), user: before.user ?? 'unknown', text: '', change: 'deleted' };
  }
  const posted = Posted.safeParse(event);
  if (!posted.success || !isReply(posted.data) || !isPerson(posted.data)) return undefined;
  return { ...base(posted.data.channel, posted.data.thread_ts, posted.data.ts), user: posted.data.user, text: plain(posted.data.text), change: 'posted' };
}

/**
 * message → the incident thread's record. Bolt acks an event before the listener runs (HTTPReceiver
 * with processBeforeResponse off; Socket Mode acks on receipt), so the name lookup and the write
 * come after Slack's 3 s. The row is unique per channel and ts, so Slack's redeliveries
 * (x-slack-retry-num) and a second replica store it once.
 */
export function registerThreadEvents(app: App, deps: ThreadEventDeps): void {
  app.event('message', async ({ event, body, context }) => {
    const change = threadChange(event);
    if (!change) return;
    const teamId = (body as { team_id?: string }).team_id ?? context.teamId;
    const { user, ...rest } = change;
    try {
      if (!(await deps.threadNotes.isIncidentThread('slack', change.threadMessageId))) return;
      // A deletion changes no name: no users.info for it.
      const actor = change.change === 'deleted' ? { platform: 'slack' as const, userId: user } : await slackActor(deps.people, { teamId, userId: user });
      const result = await deps.threadNotes.note({ ...rest, actor });
      if (!result.ok && result.error.code === 'invalid') deps.logger.warn({ channel: change.channel, reason: result.error.message }, 'a Slack thread message could not be recorded');
    } catch (error: unknown) {
      deps.logger.error({ err: error, channel: change.channel, retry: context.retryNum }, 'could not record a Slack thread message');
    }
  });
}
