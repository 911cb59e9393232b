import type { Logger } from 'pino';
import type { Actor } from '../actor.js';
import type { Database } from '../db/client.js';
import type { PreviousSecretUsed } from '../observability/previous-secret.js';
import type { HomeEntry, HomeSurface } from '../home/surface.js';
import type { ThreadNotes } from '../incidents/thread-notes.js';
import type { Route } from '../http/router.js';
import type { Platform } from '../platform/port.js';
import type { Result } from '../result.js';
import type { InteractionReply, Interactions } from './interactions.js';
import type { PendingWork } from './pending-work.js';
import type { ChatPort } from './port.js';

/** What a chat adapter gets once the core is running, to mount its HTTP entry points. */
export type ChatAdapterContext = {
  interactions: Interactions;
  platform: Platform;
  logger: Logger;
  /** Channels the core posts to by default (routing's default channel first). */
  channels: string[];
  /**
   * Replays a named scenario through this Triage's own intake (the console's demo button). Absent
   * while Triage watches a real platform: simulated events would raise real cards next to real ones.
   */
  startScenario?: (name: string) => Promise<void>;
  /** Counts a request let in by a secret's previous value while it is rotated (Slack's signing secret). */
  previousSecretUsed?: PreviousSecretUsed;
  /** The Home overview (src/home/): an adapter calls it when someone opens Home, or to draw it. */
  home: HomeEntry;
  /** What people write in an incident's thread joins its record (src/incidents/thread-notes.ts). */
  threadNotes?: ThreadNotes;
};

/**
 * A chat platform as the core sees it: a ChatPort for the outbox, routes for its inbound side,
 * and a close for its live connections. Adapters are built in src/main.ts (the composition root)
 * and handed to startTriage, so the core never imports one.
 */
export type ChatAdapter = {
  port: ChatPort;
  routes(ctx: ChatAdapterContext): Route[];
  /** Closes live connections; awaited (within a bound) when Triage stops. */
  close(): void | Promise<void>;
  /** Doctor's Secrets check: is this platform's token still accepted? (Slack: auth.test). */
  probe?: { name: string; probe(signal: AbortSignal): Promise<Result<string, string>> };
  /** Groups the actor belongs to on this platform ('slack-group:S…'), for roles granted to a group. */
  groupsOf?: (actor: Actor) => Promise<string[]>;
  /**
   * Answers work another replica acknowledged and could not finish, at the address its entry
   * kept (Slack: the response_url; Discord: the interaction's webhook). src/chat/pending-work.ts.
   */
  answerLater?: (address: unknown, reply: InteractionReply) => Promise<void>;
  /** This platform's Home tab, which the core publishes to (Slack: views.publish). */
  home?: HomeSurface;
};

export type ChatAdapterFactory = (deps: { database: Database; logger: Logger; work: PendingWork }) => ChatAdapter | Promise<ChatAdapter>;
