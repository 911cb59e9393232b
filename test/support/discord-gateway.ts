import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Discord's gateway for tests, on 127.0.0.1: a WebSocket server speaking the gateway protocol as
 * discord.js (@discordjs/ws) expects it: op 10 HELLO, op 2 IDENTIFY answered by READY (with a
 * session id and a resume_gateway_url pointing back here), op 1 heartbeats answered by op 11,
 * dispatches (INTERACTION_CREATE) with sequence numbers, and op 6 RESUME answered by the missed
 * dispatches and RESUMED. The same HTTP server is the REST side's far end: it answers
 * GET /gateway/bot with its own ws:// URL (that is how discord.js finds the gateway) and hands
 * every other request to `rest`, the test's far side, so the bot's API base can point here.
 */
export type GatewayFrame = { op: number; d?: unknown; s?: number | null; t?: string | null };

export type FakeGatewayOptions = {
  /** Answers the REST calls other than GET /gateway/bot (command registration, callbacks, webhooks, messages). */
  rest: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  heartbeatIntervalMs?: number;
  /** When set, GET /gateway/bot with another bot token is answered 401, as Discord does. */
  token?: string;
};

type Session = { id: string; seq: number; sent: GatewayFrame[]; socket?: WebSocket };

export type FakeGateway = {
  /** What DISCORD_API_URL is set to: REST below it, the gateway beside it. */
  apiUrl: string;
  wsUrl: string;
  /** Every frame a bot sent, in order (IDENTIFY, RESUME, heartbeats). */
  received: GatewayFrame[];
  /** How many times a bot asked GET /gateway/bot where the gateway is. */
  discoveries(): number;
  identifies(): number;
  resumes(): number;
  /** Waits for a bot to be connected and ready (after IDENTIFY or RESUME). */
  ready(): Promise<void>;
  /** Sends a dispatch to the connected bot; kept for replay, so one sent while the bot is away arrives on RESUME. */
  dispatch(t: string, d: unknown): void;
  /** Closes the bot's socket with a resumable code, as Discord does when it restarts a gateway node. */
  drop(code?: number): void;
  connected(): boolean;
  /** Open WebSocket connections: one per bot holding a session. */
  connections(): number;
  close(): Promise<void>;
};

const READY_USER = { id: '1100000000000000001', username: 'Triage', discriminator: '0', bot: true, avatar: null, global_name: null };

export async function startFakeGateway(options: FakeGatewayOptions): Promise<FakeGateway> {
  const received: GatewayFrame[] = [];
  const sessions = new Map<string, Session>();
  let current: Session | undefined;
  let readyWaiters: Array<() => void> = [];
  let nextSession = 1;
  let discoveries = 0;
  const server = createServer((req, res) => void http(req, res));
  const wss = new WebSocketServer({ noServer: true });
  let base = '';

  async function http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', base).pathname;
    if (req.method === 'GET' && path === '/api/v10/gateway/bot') {
      discoveries++;
      if (options.token && req.headers.authorization !== `Bot ${options.token}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '401: Unauthorized', code: 0 }));
        return;
      }
      const body = { url: `ws://${hostPort()}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    options.rest(req, res, Buffer.concat(chunks).toString('utf8'));
  }

  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => connect(ws)));

  const send = (ws: WebSocket, frame: GatewayFrame) => ws.send(JSON.stringify(frame));
  const dispatchTo = (session: Session, t: string, d: unknown): void => {
    const frame: GatewayFrame = { op: 0, t, s: ++session.seq, d };
    session.sent.push(frame);
    if (session.socket?.readyState === 1) send(session.socket, frame);
  };
  const becameReady = (session: Session, ws: WebSocket): void => {
    session.socket = ws;
    current = session;
    const waiters = readyWaiters;
    readyWaiters = [];
    waiters.forEach((w) => w());
  };

  function connect(ws: WebSocket): void {
    send(ws, { op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 41_250 }, s: null, t: null });
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as GatewayFrame;
      received.push(frame);
      if (frame.op === 1) return send(ws, { op: 11 });
      if (frame.op === 2) return identify(ws);
      if (frame.op === 6) return resume(ws, frame.d as { session_id: string; seq: number });
    });
  }

  function identify(ws: WebSocket): void {
    const session: Session = { id: `fake-session-${nextSession++}`, seq: 0, sent: [] };
    sessions.set(session.id, session);
    becameReady(session, ws);
    dispatchTo(session, 'READY', { v: 10, user: READY_USER, guilds: [], session_id: session.id, resume_gateway_url: `ws://${hostPort()}`, application: { id: READY_USER.id, flags: 0 } });
  }

  function resume(ws: WebSocket, d: { session_id: string; seq: number }): void {
    const session = sessions.get(d.session_id);
    // An unknown session is invalid and not resumable (op 9, d: false): the bot identifies anew.
    if (!session) return send(ws, { op: 9, d: false });
    becameReady(session, ws);
    for (const frame of session.sent.filter((f) => (f.s ?? 0) > d.seq)) send(ws, frame);
    dispatchTo(session, 'RESUMED', null);
  }

  const hostPort = () => {
    const { port } = server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://${hostPort()}`;
  const opCount = (op: number) => received.filter((f) => f.op === op).length;
  return {
    apiUrl: `${base}/api/v10`,
    wsUrl: `ws://${hostPort()}`,
    received,
    discoveries: () => discoveries,
    identifies: () => opCount(2),
    resumes: () => opCount(6),
    ready: () => (current?.socket?.readyState === 1 ? Promise.resolve() : new Promise<void>((resolve) => readyWaiters.push(resolve))),
    dispatch: (t, d) => {
      if (!current) throw new Error('no bot has identified to the fake gateway');
      dispatchTo(current, t, d);
    },
    drop: (code = 4000) => {
      const socket = current?.socket;
      if (current) current.socket = undefined;
      socket?.close(code, 'fake gateway dropped the connection');
    },
    connected: () => current?.socket?.readyState === 1,
    connections: () => [...wss.clients].filter((c) => c.readyState === 1).length,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A `rest` for the fake gateway that forwards each call to another far side (test/adapters/discord/far-side-server.ts), which records and answers it. */
export function forwardTo(apiUrl: string): FakeGatewayOptions['rest'] {
  return (req, res, body) => {
    const path = (req.url ?? '/').replace(/^\/api\/v10/, '');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    void fetch(`${apiUrl}${path}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) }).then(
      async (answer) => void res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()),
      (error: unknown) => void res.writeHead(502).end(String(error)),
    );
  };
}
