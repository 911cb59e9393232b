import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Database } from '../../src/db/client.js';
import { findMessage, isVisibleTo, type ConsoleMessage } from './store.js';

/**
 * Pushes message changes to connected browsers over server-sent events. `createLiveHub` serves
 * this process's browsers; `shareAcrossReplicas` makes every replica's hub push every change, so
 * a browser sees a card live whichever replica posted it.
 */
export type LiveEvent = { type: 'message.created' | 'message.updated'; message: ConsoleMessage };

export type LiveHub = {
  publish(event: LiveEvent): void;
  /** Serves one SSE client until it disconnects or the hub closes; `viewer` sees their private messages. */
  attach(req: IncomingMessage, res: ServerResponse, viewer: string | null): void;
  /** Number of connected clients (tests, metrics). */
  size(): number;
  /** Ends every stream, so the HTTP server's graceful close does not wait on open browsers. */
  close(): void;
};

type Client = { viewer: string | null; res: ServerResponse; stop(): void };

export function createLiveHub(options: { heartbeatMs?: number } = {}): LiveHub {
  // Proxies and browsers drop a silent connection; a comment line every 15 s keeps it open.
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const clients = new Set<Client>();

  const attach = (req: IncomingMessage, res: ServerResponse, viewer: string | null): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar buffer responses by default, which would hold events back.
      'x-accel-buffering': 'no',
    });
    // Tells EventSource how soon to reconnect, and opens the stream at once.
    res.write('retry: 2000\n: connected\n\n');
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    const client: Client = {
      viewer,
      res,
      stop: () => {
        clearInterval(heartbeat);
        clients.delete(client);
      },
    };
    clients.add(client);
    req.on('close', client.stop);
    res.on('close', client.stop);
  };

  return {
    publish(event) {
      const frame = `event: ${event.type}\ndata: ${JSON.stringify(event.message)}\n\n`;
      for (const client of clients) {
        if (isVisibleTo(event.message, client.viewer)) client.res.write(frame);
      }
    },
    attach,
    size: () => clients.size,
    close() {
      for (const client of [...clients]) {
        client.stop();
        client.res.end();
      }
    },
  };
}

/** The NOTIFY channel of console message changes (a lowercase identifier, as src/db/client.ts asks). */
export const CONSOLE_CHANNEL = 'triage_console_messages';

/**
 * What crosses replicas: which message changed and how, never the message itself (NOTIFY
 * payloads are capped near 8 kB; a card can be larger). `from` names the sending hub, which
 * already pushed the change to its own browsers and skips its own notification.
 */
const Notice = z.object({ from: z.string(), type: z.enum(['message.created', 'message.updated']), id: z.string() });
type Notice = z.infer<typeof Notice>;

export type SharedHub = LiveHub & {
  /** Stops listening and waits for notifications still being sent; then ends every stream. */
  stop(): Promise<void>;
};

type HubLogger = { warn(context: object, message: string): void };

/**
 * Wraps a local hub: `publish` pushes to this replica's browsers at once, as before, and tells
 * the other replicas through `database.notify`; a notice from another replica is read back from
 * the database (it committed before the notice was delivered) and pushed to this replica's
 * browsers. Reads are not ordered among themselves: the page keeps the newest `updatedAt` it has
 * seen, so a late push of an older state never rolls a card back.
 *
 * A failed notify loses only the live push to other replicas' browsers (the message is stored;
 * a reload shows it), so it is logged rather than failing the post. On PGlite the only listener
 * is this process, which skips its own notices: the local path is the whole path.
 */
export async function shareAcrossReplicas(local: LiveHub, deps: { database: Database; logger?: HubLogger }): Promise<SharedHub> {
  const { database, logger } = deps;
  const from = randomBytes(6).toString('hex');
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const receive = async (notice: Notice): Promise<void> => {
    const message = await findMessage(database.db, notice.id);
    if (message) local.publish({ type: notice.type, message });
  };

  const unlisten = await database.listen(
    CONSOLE_CHANNEL,
    (payload) => {
      const notice = parseNotice(payload);
      if (!notice) return logger?.warn({ channel: CONSOLE_CHANNEL, payload: payload.slice(0, 200) }, 'console: ignored a notification it cannot read');
      if (notice.from === from) return;
      track(receive(notice).catch((error: unknown) => logger?.warn({ err: error, messageId: notice.id }, 'console: could not read a message another replica changed')));
    },
    {
      // Changes made while this replica was not listening were never pushed here: ending the
      // streams makes every browser reconnect, and the page reloads its snapshot on reconnect
      // (connectStream in adapters/console/page/index.html).
      onReconnect: () => local.close(),
    },
  );

  return {
    publish(event) {
      local.publish(event);
      // Cards the outbox still delivers while Triage stops: the database may be closing under a notify.
      if (stopped) return;
      const notice: Notice = { from, type: event.type, id: event.message.id };
      track(
        database
          .notify(CONSOLE_CHANNEL, JSON.stringify(notice))
          .catch((error: unknown) => logger?.warn({ err: error, messageId: event.message.id }, 'console: other replicas were not told of a message change')),
      );
    },
    attach: (req, res, viewer) => local.attach(req, res, viewer),
    size: () => local.size(),
    close: () => local.close(),
    async stop() {
      stopped = true;
      await unlisten().catch(() => {
        // The database is already closing; its listening connection goes with it.
      });
      await Promise.allSettled([...inFlight]);
      local.close();
    },
  };
}

function parseNotice(payload: string): Notice | undefined {
  try {
    const parsed = Notice.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
