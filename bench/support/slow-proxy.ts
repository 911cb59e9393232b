import { connect, createServer, type Socket } from 'node:net';
import { deferCleanup } from './cleanup.js';

export type SlowProxy = { host: string; port: number; stop(): Promise<void> };

/**
 * A TCP proxy on loopback that holds every chunk for `delayMs` before passing it on, in both
 * directions: a database on a slow link, so each query's round trip costs 2 × delayMs more.
 * Chunks keep their order because every timer has the same delay (Node fires equal timeouts in
 * the order they were set). No bandwidth limit and no backpressure: what is slowed is latency.
 */
export async function startSlowProxy(target: { host: string; port: number }, delayMs: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
    from.once('end', () => setTimeout(() => to.destroyed || to.end(), delayMs));
  };

  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect({ host: target.host, port: target.port, noDelay: true });
    track(client);
    track(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', closeBoth);
    upstream.once('error', closeBoth);
    // A half-closed pair lingers otherwise; the delay lets in-flight chunks land first.
    client.once('close', () => setTimeout(() => upstream.destroy(), delayMs + 10));
    upstream.once('close', () => setTimeout(() => client.destroy(), delayMs + 10));
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stop = deferCleanup('slow TCP proxy', async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { host: '127.0.0.1', port, stop };
}
