import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readJson } from '../../src/http/respond.js';
import { createRouter } from '../../src/http/router.js';
import { unstorableAt, unstorableInJson } from '../../src/http/storable-text.js';

/**
 * Found by fuzzing (test/fuzz/): a NUL or an unpaired UTF-16 surrogate in a request reached an
 * INSERT and failed it, so intake answered 503 "retry later" for ever (and failed the other
 * requests batched into the same statement), the platform routes answered 503 with the failed
 * SQL, and Slack and Discord answered a click with the apology for a crash.
 */
const request = (body: string, type = 'application/json'): IncomingMessage =>
  Object.assign(Readable.from([Buffer.from(body, 'utf8')]), { headers: { 'content-type': type } }) as unknown as IncomingMessage;

describe('text PostgreSQL cannot store', () => {
  it('finds a NUL or an unpaired surrogate in any key or value, and says where', () => {
    expect(unstorableAt({ events: [{ attributes: { note: 'a\u0000b' } }] })).toBe('events.0.attributes.note');
    expect(unstorableAt(['ok', '\ud800'])).toBe('1');
    expect(unstorableAt('\udfff')).toBe('(body)');
    expect(unstorableAt({ ok: { ['k\u0000']: 1 } })).toBe('a key in ok');
  });

  it('lets everything else through: emoji (surrogate pairs), escapes written as text, other control characters', () => {
    expect(unstorableAt({ a: '👩‍🚒 🚀', b: '\\u0000', c: '\t\n\u0001', d: [1, null, true] })).toBeUndefined();
    expect(unstorableInJson('{"a":"\\ud83d\\ude80"}', { a: '🚀' })).toBeUndefined();
  });

  it('walks JSON nested deeper than the call stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(unstorableAt(deep)).toMatch(/^0(\.0){98}\.\.\.$/);
  });

  it('makes readJson answer 400 with where, for an escaped NUL or lone surrogate', async () => {
    for (const [body, at] of [['{"events":[{"id":"a\\u0000"}]}', 'events.0.id'], ['{"x":["\\uD800"]}', 'x.0']] as const) {
      const read = await readJson(request(body), 1024);
      expect(read).toMatchObject({ ok: false, status: 400, code: 'invalid_json' });
      if (!read.ok) expect(read.message).toContain(at);
    }
    expect(await readJson(request('{"ok":"\\\\u0000 \\ud83d\\ude80"}'), 1024)).toEqual({ ok: true, value: { ok: '\\u0000 🚀' } });
  });

  it('makes the router refuse a path segment that decodes to a NUL (counterexample "%00" on every platform action)', () => {
    const router = createRouter([{ method: 'POST', path: '/platform/runtimes/:id/restart', handler: () => {} }]);
    expect(router.match('POST', '/platform/runtimes/%00/restart')).toEqual({ malformed: expect.stringContaining('%00') });
    expect(router.match('POST', '/platform/runtimes/a%2500b/restart')).toMatchObject({ params: { id: 'a%00b' } });
  });
});
