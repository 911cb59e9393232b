import type { IncomingMessage, ServerResponse } from 'node:http';
import { isVisibleTo, type ConsoleMessage } from './store.js';

/**
 * Pushes message changes to connected browsers over server-sent events. In-process only: on
 * PostgreSQL with several replicas, a browser sees the changes made by its own replica live and
 * everyone else's when it reloads (or reconnects, which refetches state). That is enough for a
 * local console; a shared push would need LISTEN/NOTIFY.
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
