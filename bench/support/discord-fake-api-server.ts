import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The fake Discord REST API's process (`node --import tsx`, started by discord-targets.ts): just
 * enough for Triage's start-up (command registration, the token probe) and its answers after the
 * ack (interaction webhooks), on loopback, with no rate-limit headers, so the bench measures the
 * ack path and never Discord's buckets. It counts calls by kind, and the distinct interaction
 * tokens answered, at GET /__counts. Prints `listening <port>` when ready; SIGTERM stops it.
 */
const APP_ID = process.env.DISCORD_APPLICATION_ID ?? '1100000000000000001';
const CHANNEL = process.env.DISCORD_CHANNEL ?? '1300000000000000003';
const WEBHOOK = /^\/api\/v\d+\/webhooks\/\d+\/([^/?]+)(\/messages\/@original)?/;

const counts: Record<string, number> = {};
const answeredTokens = new Set<string>();
let nextId = 1_400_000_000_000_000_000n;

const server: Server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://fake').pathname;
  if (path === '/__counts') {
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...counts, answered: answeredTokens.size }));
  }
  const hook = WEBHOOK.exec(path);
  const kind = hook ? `webhook ${req.method}${hook[2] ? ' @original' : ''}` : `${req.method} ${path.replace(/\d{5,}/g, ':id')}`;
  counts[kind] = (counts[kind] ?? 0) + 1;
  if (hook) answeredTokens.add(hook[1]!);
  // Drain the body before answering: a client may wait for the request to be read.
  req.resume();
  req.on('end', () => {
    const answer = path.endsWith('/commands') ? [] : path.endsWith('/users/@me') ? { id: APP_ID, username: 'Triage', bot: true } : { id: String(nextId++), channel_id: CHANNEL };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
