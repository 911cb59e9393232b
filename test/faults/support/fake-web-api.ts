import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Web API call Triage made, its form fields decoded (objects left as the JSON strings Slack gets). */
export type WebApiCall = { method: string; fields: Record<string, string>; answer: Record<string, unknown> };
/** One post to a response_url: the click it answers (the URL's last segment) and what it said. */
export type ResponsePost = { click: string; body: { text?: string; response_type?: string; replace_original?: boolean } };

export type FakeWebApi = {
  /** SLACK_API_URL for Triage (WebClient appends the method name). */
  apiUrl: string;
  /** A response_url that records what is posted to it under `click`. */
  responseUrl(click: string): string;
  calls: WebApiCall[];
  responses: ResponsePost[];
  close(): Promise<void>;
};

/**
 * Just enough of Slack's far side for Triage to run with Slack on, on loopback in the test's own
 * process: auth.test, chat.postMessage / update / postEphemeral, usergroups.users.list, and
 * response_url posts, each answered as Slack does and recorded.
 */
export async function startFakeWebApi(): Promise<FakeWebApi> {
  const calls: WebApiCall[] = [];
  const responses: ResponsePost[] = [];
  let ts = 1_800_000_000;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const reply = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path.startsWith('/response/')) {
        let body: ResponsePost['body'] = {};
        try {
          body = JSON.parse(text) as ResponsePost['body'];
        } catch {
          // recorded empty: a malformed post still counts as an answer attempt
        }
        responses.push({ click: decodeURIComponent(path.slice('/response/'.length)), body });
        return reply({ ok: true });
      }
      const method = path.replace(/^\/api\//, '');
      const fields = Object.fromEntries(new URLSearchParams(text));
      const channel = fields.channel ?? 'C0FAULTS';
      const answer: Record<string, unknown> =
        method === 'auth.test'
          ? { ok: true, url: 'https://faults.slack.test/', team: 'faults', user: 'triage', team_id: 'T0FAULTS', user_id: 'U0TRIAGEBOT', bot_id: 'B0TRIAGE' }
          : method === 'chat.postMessage'
            ? { ok: true, channel, ts: `${++ts}.000100` }
            : method === 'chat.update'
              ? { ok: true, channel, ts: fields.ts }
              : method === 'chat.postEphemeral'
                ? { ok: true, message_ts: `${++ts}.000200` }
                : method === 'usergroups.users.list'
                  ? { ok: true, users: [] }
                  : { ok: false, error: 'unknown_method' };
      calls.push({ method, fields, answer });
      reply(answer);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (click) => `${base}/response/${encodeURIComponent(click)}`,
    calls,
    responses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
