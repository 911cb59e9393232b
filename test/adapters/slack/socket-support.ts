import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's far side for Socket Mode, on a real port: a node:http server answering the Web API
 * (apps.connections.open, chat.postMessage, chat.update, auth.test...) and response_url, and a
 * `ws` server on the same port speaking Socket Mode (hello, envelopes, acks, close). Bolt's
 * socket client is undici's WebSocket, so it needs a real WebSocket server, not a mock.
 */
export type ApiCall = { method: string; authorization?: string; body: Record<string, unknown>; at: number; response: Record<string, unknown> };
export type HookCall = { url: string; body: Record<string, unknown>; at: number };
export type Frame = { data: Record<string, unknown>; at: number };
export type Connection = { url: string; frames: Frame[]; closed?: { code: number; at: number }; socket: WebSocket };

/** The WebSocket URL apps.connections.open hands out; the ticket shows Triage used what it got. */
export const WS_PATH = '/link/?ticket=socket-test-ticket&app_id=A1';

export async function startSlackStandIn() {
  const api: ApiCall[] = [];
  const hooks: HookCall[] = [];
  const connections: Connection[] = [];
  /** Web API methods to answer with a 503 (Slack having a bad moment), how many times each. */
  const outages = new Map<string, number>();
  let base = '';

  const server = createServer((req, res) => {
    readBody(req).then(
      (text) => route(req, res, text),
      () => res.writeHead(400).end(),
    );
  });
  const route = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      const method = url.slice('/api/'.length).split('?')[0]!;
      const call: ApiCall = { method, authorization: req.headers.authorization, body: readForm(text), at: Date.now(), response: {} };
      const down = outages.get(method) ?? 0;
      if (down > 0) {
        outages.set(method, down - 1);
        api.push({ ...call, response: { status: 503 } });
        return res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
      }
      call.response = answer(call, base);
      api.push(call);
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(call.response));
    }
    if (url.startsWith('/hooks/')) {
      hooks.push({ url: base + url, body: JSON.parse(text) as Record<string, unknown>, at: Date.now() });
      return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
    res.writeHead(404).end();
  };

  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    const connection: Connection = { url: req.url ?? '', frames: [], socket };
    connections.push(connection);
    socket.on('message', (raw) => connection.frames.push({ data: JSON.parse(String(raw)) as Record<string, unknown>, at: Date.now() }));
    socket.on('close', (code) => void (connection.closed = { code, at: Date.now() }));
    // What Slack sends first on every connection; the client counts itself connected on it.
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' }, debug_info: { host: 'applink-test' } }));
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const live = () => connections.find((c) => !c.closed);
  return {
    apiUrl: `${base}/api/`,
    hookUrl: (path: string) => `${base}/hooks/${path}`,
    api,
    hooks,
    connections,
    calls: (method: string) => api.filter((c) => c.method === method),
    failNext: (method: string, times = 1) => void outages.set(method, times),
    /** Sends an envelope on the open connection; returns when it was sent, to time the ack. */
    send(envelope: Record<string, unknown>): number {
      const connection = live();
      if (!connection) throw new Error('no open Socket Mode connection');
      connection.socket.send(JSON.stringify(envelope));
      return Date.now();
    },
    /** Every frame the client sent that acknowledges this envelope. */
    acks: (envelopeId: string) => connections.flatMap((c) => c.frames).filter((f) => f.data.envelope_id === envelopeId),
    close: async () => {
      for (const c of connections) c.socket.terminate();
      wss.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
export type SlackStandIn = Awaited<ReturnType<typeof startSlackStandIn>>;

let ts = 1_700_000_000;
/** Slack's answer to a successful call: the fields Triage and the SDK read, and a few more. */
function answer(call: ApiCall, base: string): Record<string, unknown> {
  const channel = String(call.body.channel ?? '');
  switch (call.method) {
    case 'apps.connections.open':
      return { ok: true, url: `${base.replace(/^http/, 'ws')}${WS_PATH}` };
    case 'auth.test':
      return { ok: true, url: 'https://acme.slack.com/', team: 'acme', user: 'triage', team_id: 'T0TEAM', user_id: 'U0TRIAGE', bot_id: 'B0TRIAGE' };
    case 'chat.postMessage':
      return { ok: true, channel, ts: `${++ts}.000100`, message: { text: call.body.text } };
    case 'chat.update':
      return { ok: true, channel, ts: call.body.ts, text: call.body.text };
    case 'chat.postEphemeral':
      return { ok: true, message_ts: `${++ts}.000200` };
    default:
      return { ok: false, error: 'unknown_method' };
  }
}

/** The Web API sends form fields with objects as JSON strings; tests compare the objects. */
function readForm(text: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    body[key] = key === 'blocks' || key === 'attachments' || key === 'metadata' ? JSON.parse(value) : value;
  }
  return body;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
