import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export type PgProxy = {
  port: number;
  /** Resets every connection and refuses new ones: PostgreSQL restarting, or a firewall sending RST. */
  cut(): void;
  /** Keeps connections open and lets nothing flow: a partition. */
  blackhole(): void;
  /** Heals; what a blackhole held back flows again, as TCP retransmits after a partition. */
  restore(): void;
  close(): Promise<void>;
};

/**
 * A TCP proxy in front of PostgreSQL that a test can break the way networks break (the dead-man's
 * switch test and the fault suite).
 */
export async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  type Pair = { client: Socket; upstream: Socket };
  const pairs = new Set<Pair>();
  let mode: 'open' | 'cut' | 'blackhole' = 'open';
  const server = createServer((client) => {
    if (mode === 'cut') return void client.destroy();
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    for (const s of [client, upstream]) s.on('error', end).on('close', end);
    if (mode === 'open') {
      client.pipe(upstream);
      upstream.pipe(client);
    } else client.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const destroyAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
  };
  return {
    port,
    cut: () => {
      mode = 'cut';
      destroyAll();
    },
    blackhole: () => {
      mode = 'blackhole';
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore: () => {
      mode = 'open';
      for (const { client, upstream } of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
      }
    },
    close: () => {
      destroyAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
