import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readBody, sendError } from '../../src/http/respond.js';
import type { PreviousSecretUsed } from '../../src/observability/previous-secret.js';
import { checkSlackEnvelope } from './envelope.js';

/** The signing secret and, while it is rotated out, the one before it (SLACK_SIGNING_SECRET_PREVIOUS). */
export type SigningSecrets = { current: string; previous?: string | undefined };

/** Which secret signed the request, or what was wrong: names and header names only, never a value. */
export type SignatureCheck = { ok: true; matched: 'current' | 'previous' } | { ok: false; reason: string };

/** Slack's replay window: a timestamp further than this from our clock is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;
/** What Bolt's receiver buffers at most; a Slack payload is far smaller. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Slack's request signing (`v0=` + hex HMAC-SHA256 over `v0:{timestamp}:{raw body}`) checked
 * against the current secret, then the previous one. Both digests are computed and compared in
 * constant time on every request, so the time taken says nothing about which one matched.
 */
export function checkSlackSignature(
  input: { timestamp: string | undefined; signature: string | undefined; body: Buffer },
  secrets: SigningSecrets,
  nowMs: number = Date.now(),
): SignatureCheck {
  // Fail closed: an HMAC under an empty key is one anybody can make.
  if (!secrets.current) return { ok: false, reason: 'no signing secret is configured (SLACK_SIGNING_SECRET)' };
  const missing = [...(input.timestamp === undefined ? ['X-Slack-Request-Timestamp'] : []), ...(input.signature === undefined ? ['X-Slack-Signature'] : [])];
  if (missing.length) return { ok: false, reason: `missing the ${missing.join(' and ')} header${missing.length > 1 ? 's' : ''}: not a signed Slack request` };
  if (!/^\d{1,12}$/.test(input.timestamp!)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a number of seconds' };
  const skew = Math.floor(nowMs / 1000) - Number(input.timestamp);
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    const when = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
    return { ok: false, reason: `stale timestamp: X-Slack-Request-Timestamp is ${when}, beyond Slack's ${MAX_SKEW_SECONDS / 60}-minute window (a replay, or this server's clock is off)` };
  }
  if (!SIGNATURE.test(input.signature!)) return { ok: false, reason: 'X-Slack-Signature is not a v0 signature (v0= and 64 hex digits)' };
  const sent = Buffer.from(input.signature!, 'utf8');
  const expected = (secret: string) => Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${input.timestamp}:`).update(input.body).digest('hex')}`, 'utf8');
  const current = timingSafeEqual(sent, expected(secrets.current));
  const previous = secrets.previous !== undefined && timingSafeEqual(sent, expected(secrets.previous));
  if (current) return { ok: true, matched: 'current' };
  if (previous) return { ok: true, matched: 'previous' };
  return {
    ok: false,
    reason: secrets.previous === undefined
      ? 'the signature does not match the signing secret (SLACK_SIGNING_SECRET)'
      : 'the signature matches neither the current signing secret (SLACK_SIGNING_SECRET) nor the previous one (SLACK_SIGNING_SECRET_PREVIOUS)',
  };
}

/** Bolt's receiver reads `rawBody` when it is there instead of the stream (BufferedIncomingMessage). */
type Buffered = IncomingMessage & { rawBody?: Buffer };

/**
 * POST /slack/events: the signature is checked here, against either secret, and only then is the
 * request handed to Bolt's listener with its body already read (Bolt's own check, which knows one
 * secret, is off: adapters/slack/bolt-app.ts). A refusal is 401 with the reason, logged at warn.
 */
export function verifiedSlackListener(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  deps: { secrets: SigningSecrets; logger: Logger; previousSecretUsed?: PreviousSecretUsed | undefined; now?: () => number },
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body.ok) return sendError(res, body.status, body.code, body.message);
    // Slack's SSL check is unsigned; as Bolt does, nothing but the flag travels on with it.
    if (isSslCheck(req, body.body)) {
      (req as Buffered).rawBody = Buffer.from('ssl_check=1');
      return listener(req, res);
    }
    const checked = checkSlackSignature(
      { timestamp: header(req, 'x-slack-request-timestamp'), signature: header(req, 'x-slack-signature'), body: body.body },
      deps.secrets,
      deps.now?.() ?? Date.now(),
    );
    if (!checked.ok) {
      deps.logger.warn({ reason: checked.reason }, 'refused a Slack request');
      return sendError(res, 401, 'unauthorized', checked.reason);
    }
    if (checked.matched === 'previous') deps.previousSecretUsed?.('slack_signing_secret');
    const shape = checkSlackEnvelope(req.headers['content-type'], body.body);
    if (!shape.ok) {
      deps.logger.warn({ reason: shape.reason }, 'refused a malformed Slack request');
      return sendError(res, 400, 'bad_request', shape.reason);
    }
    if (shape.to === 'ack') {
      res.writeHead(200).end();
      return;
    }
    (req as Buffered).rawBody = body.body;
    listener(req, res);
  };
}

function isSslCheck(req: IncomingMessage, body: Buffer): boolean {
  if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/x-www-form-urlencoded') return false;
  return new URLSearchParams(body.toString('utf8')).get('ssl_check') === '1';
}
