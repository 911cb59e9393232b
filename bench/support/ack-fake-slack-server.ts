import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The fake Slack's process (`node --import tsx`, started by ack-fake-slack.ts): just enough of
 * the Web API to say ok, on loopback. It counts what it receives and tells the count at
 * GET /__counts. Prints `listening <port>` when ready; SIGTERM stops it.
 */
const BENCH_BOT_USER = 'UBENCHBOT';

const counts: Record<string, number> = {};
let nextTs = 1;
const server: Server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://fake').pathname;
  if (path === '/__counts') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
  const method = path.startsWith('/response/') ? 'response_url' : path.replace(/^\/api\//, '');
  counts[method] = (counts[method] ?? 0) + 1;
  // Drain the body before answering: a client may wait for the request to be read.
  req.resume();
  req.on('end', () => {
    const ts = `1700000000.${String(nextTs++).padStart(6, '0')}`;
    const answer =
      method === 'auth.test'
        ? { ok: true, url: 'https://bench.slack.com/', team: 'bench', user: 'triage', team_id: 'TBENCH', user_id: BENCH_BOT_USER, bot_id: 'BBENCH' }
        : method === 'response_url'
          ? { ok: true }
          : { ok: true, channel: 'C0BENCH', ts, message_ts: ts };
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
