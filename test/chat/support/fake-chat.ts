import { sql } from 'drizzle-orm';
import type { Card, CardInput } from '../../../src/chat/card.js';
import type { ChatError, ChatPlatform, ChatPort, SendOptions } from '../../../src/chat/port.js';
import type { Database } from '../../../src/db/client.js';
import { err, ok, type Result } from '../../../src/result.js';

/**
 * A ChatPort standing in for Slack: records every call with the time it was made, and fails or
 * hangs on demand. Nothing of ours is faked; this is the far side of the network.
 */
export type Call = {
  op: 'post' | 'update' | 'postInThread' | 'replyPrivately';
  channel: string;
  card: Card;
  at: number;
  messageId?: string;
  threadMessageId?: string;
  idempotencyKey?: string;
  outcome?: 'ok' | ChatError['code'];
};

/** Return an error to fail the call, a promise to hold it, nothing to let it succeed. */
export type Behaviour = (call: Call) => ChatError | undefined | Promise<ChatError | undefined>;

export type FakeChat = ChatPort & {
  calls: Call[];
  /** Successful calls only, in the order they completed: what the channel shows. */
  delivered: () => Call[];
  failNext(...errors: ChatError[]): void;
  behave(behaviour: Behaviour | undefined): void;
};

export type FakeChatOptions = {
  now?: () => number;
  /** Keeps message ids unique when several fakes stand in for one workspace (two replicas). */
  idPrefix?: string;
  /** Shared by those fakes: every call in the order the platform finished it. */
  completed?: Call[];
};

export function createFakeChat(platform: ChatPlatform = 'slack', options: FakeChatOptions = {}): FakeChat {
  const { now = Date.now, idPrefix = `${platform}-msg-`, completed = [] } = options;
  const calls: Call[] = [];
  const queued: ChatError[] = [];
  let behaviour: Behaviour | undefined;
  let nextId = 0;

  const attempt = async <T>(call: Call, value: () => T): Promise<Result<T, ChatError>> => {
    calls.push(call);
    const failure = queued.shift() ?? (await behaviour?.(call));
    call.outcome = failure ? failure.code : 'ok';
    completed.push(call);
    return failure ? err(failure) : ok(value());
  };
  const newMessage = () => ({ messageId: `${idPrefix}${++nextId}` });
  const base = (op: Call['op'], channel: string, card: Card, options?: SendOptions): Call => ({
    op,
    channel,
    card,
    at: now(),
    idempotencyKey: options?.idempotencyKey,
  });

  return {
    platform,
    calls,
    delivered: () => completed.filter((c) => c.outcome === 'ok'),
    failNext: (...errors) => void queued.push(...errors),
    behave: (b) => void (behaviour = b),
    post: (channel, card, options) => attempt(base('post', channel, card, options), newMessage),
    update: (channel, messageId, card, options) => attempt({ ...base('update', channel, card, options), messageId }, () => undefined),
    postInThread: (channel, threadMessageId, card, options) =>
      attempt({ ...base('postInThread', channel, card, options), threadMessageId }, newMessage),
    replyPrivately: (channel, _userId, card) => attempt(base('replyPrivately', channel, card), () => undefined),
  };
}

export const card = (title: string, severity: CardInput['severity'] = 'warning', text = ''): CardInput => ({ title, severity, text });

/** A clock the test moves by hand; starts at a fixed instant so runs are reproducible. */
export function fakeClock(start = Date.parse('2026-11-01T10:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), start };
}

export async function clearChatTables(database: Database): Promise<void> {
  await database.query(sql`truncate chat_outbox, chat_messages, chat_channels, chat_workspace_pace restart identity`);
}

export type OutboxRow = { id: number; kind: string; status: string; attempts: number; last_error: string | null; card_key: string; title: string };

export const outboxRows = (database: Database): Promise<OutboxRow[]> =>
  database.query<OutboxRow>(
    sql`select id::int as id, kind, status, attempts, last_error, card_key, card->>'title' as title from chat_outbox order by id`,
  );
