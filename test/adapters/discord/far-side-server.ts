import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPS_CHANNEL, APP_ID, type Call } from './far-side.js';

/**
 * Discord's REST side as a real HTTP server on 127.0.0.1, for Triage running as its own process
 * (msw only intercepts requests made inside the test's process): DISCORD_API_URL points here.
 * It answers like far-side.ts (message ids, threads whose id is the parent message's, command
 * registration, interaction webhooks) and records every call.
 */
export type DiscordServer = {
  /** What DISCORD_API_URL is set to. */
  apiUrl: string;
  calls: Call[];
  where(method: string, pattern: RegExp): Call[];
  close(): Promise<void>;
};

export async function startDiscordServer(): Promise<DiscordServer> {
  const calls: Call[] = [];
  let nextId = 1_400_000_000_000_000_000n;
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://discord.test').pathname.replace('/api/v10', '');
    const call: Call = { method: req.method ?? 'GET', path, body: text ? (JSON.parse(text) as unknown) : undefined, auth: req.headers.authorization ?? null };
    calls.push(call);
    const json = (body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/users/@me') return json({ id: APP_ID, username: 'Triage' });
    if (call.method === 'PUT' && path.endsWith('/commands')) return json([]);
    const thread = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (thread) return json({ id: thread[2], type: 11 });
    const channel = /^\/channels\/(\d+)\/messages/.exec(path);
    const id = call.method === 'PATCH' ? path.split('/').pop()! : String(nextId++);
    call.answeredId = id;
    json({ id, channel_id: channel?.[1] ?? OPS_CHANNEL });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v10`,
    calls,
    where: (method, pattern) => calls.filter((c) => c.method === method && pattern.test(c.path)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
