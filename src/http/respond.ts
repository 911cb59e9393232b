import type { IncomingMessage, ServerResponse } from 'node:http';
import { UNSTORABLE_REASON, unstorableInJson } from './storable-text.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Every 4xx/5xx answer has the same shape: a stable code and words a person can act on. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, extra: object = {}): void {
  sendJson(res, status, { error: { code, message, ...extra } });
}

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 413 | 400; code: string; message: string };

/** Reads a request body, stopping (not buffering) once it exceeds `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(tooLarge(limit));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(tooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve({ ok: true, body: Buffer.concat(chunks, size) });
      done = true;
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, status: 400, code: 'body_unreadable', message: 'the request body could not be read' });
      done = true;
    });
  });
}

function tooLarge(limit: number): BodyResult {
  return { ok: false, status: 413, code: 'body_too_large', message: `request body exceeds ${limit} bytes; send smaller batches` };
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; code: string; message: string };

/** Reads and parses a JSON body; the caller decides how to answer a failure (and what to count). */
export async function readJson(req: IncomingMessage, limit: number): Promise<JsonResult> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return { ok: false, status: 415, code: 'unsupported_media_type', message: `expected content-type application/json; found ${type || 'none'}` };
  }
  const body = await readBody(req, limit);
  if (!body.ok) return body;
  const text = body.body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, status: 400, code: 'invalid_json', message: `request body is not valid JSON: ${(e as Error).message}` };
  }
  const unstorable = unstorableInJson(text, value);
  if (unstorable !== undefined) return { ok: false, status: 400, code: 'invalid_json', message: `request body ${UNSTORABLE_REASON}: at ${unstorable}` };
  return { ok: true, value };
}
