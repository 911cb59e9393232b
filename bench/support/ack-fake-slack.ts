import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deferCleanup } from './cleanup.js';

export type FakeSlack = {
  /** Give this to Triage as SLACK_API_URL (WebClient appends the method name). */
  apiUrl: string;
  /** A response_url for one slash command; every post to it is counted as `response_url`. */
  responseUrl(id: string): string;
  /** Requests received so far, by Web API method (or `response_url`). */
  counts(): Record<string, number>;
  stop(): Promise<void>;
};

export const BENCH_BOT_USER = 'UBENCHBOT';

/**
 * The far side of Triage's Slack calls, on loopback inside the bench process: just enough of the
 * Web API to say ok, so the benchmark measures Triage's ack path and never a network or Slack's
 * rate limits. It counts what it receives, which shows the commands really ran after their ack.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const counts: Record<string, number> = {};
  let nextTs = 1;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const stop = deferCleanup('fake Slack Web API', async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    responseUrl: (id) => `http://127.0.0.1:${port}/response/${id}`,
    counts: () => ({ ...counts }),
    stop,
  };
}
