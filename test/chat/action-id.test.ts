import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildActionId, MAX_ACTION_ID_LENGTH, parseActionId } from '../../src/chat/action-id.js';

describe('action ids', () => {
  it('builds compact ids that fit Discord as well as Slack', () => {
    const id = buildActionId({ action: 'restart_runtime', subject: { kind: 'insight', id: '42' }, target: { kind: 'runtime', id: 'bash-runtime-mike' } });
    expect(id).toBe('v1|restart_runtime|insight:42|runtime:bash-runtime-mike');
    expect(id.length).toBeLessThanOrEqual(100);
    expect(buildActionId({ action: 'dismiss', subject: { kind: 'insight', id: '42' } })).toBe('v1|dismiss|insight:42');
    expect(buildActionId({ action: 'run_doctor' })).toBe('v1|run_doctor');
  });

  it('keeps a target without a subject in its place', () => {
    const id = buildActionId({ action: 'cancel_loop', target: { kind: 'loop', id: 'loop-7' } });
    expect(parseActionId(id)).toEqual({ ok: true, value: { action: 'cancel_loop', target: { kind: 'loop', id: 'loop-7' } } });
  });

  it('round-trips any ids, including separators and percent signs', () => {
    const token = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
    const ref = fc.record({ kind: token, id: fc.string({ minLength: 1, maxLength: 40 }) });
    fc.assert(
      fc.property(token, fc.option(ref, { nil: undefined }), fc.option(ref, { nil: undefined }), (action, subject, target) => {
        const input = { action, ...(subject && { subject }), ...(target && { target }) };
        expect(parseActionId(buildActionId(input))).toEqual({ ok: true, value: input });
      }),
    );
    const tricky = { action: 'retry_task', subject: { kind: 'incident', id: 'a|b%7C:c' }, target: { kind: 'task', id: '100%|' } };
    expect(parseActionId(buildActionId(tricky))).toEqual({ ok: true, value: tricky });
  });

  it('refuses to build an id a platform would reject', () => {
    expect(() => buildActionId({ action: 'Restart Runtime' })).toThrow();
    expect(() => buildActionId({ action: 'restart_runtime', target: { kind: 'runtime', id: '' } })).toThrow();
    const long = { kind: 'runtime', id: 'x'.repeat(200) };
    expect(() => buildActionId({ action: 'restart_runtime', subject: long, target: long })).toThrow(RangeError);
  });

  it('parses forged or damaged ids into an error, never an exception', () => {
    for (const raw of ['', 'v2|dismiss', 'v1', 'v1|DROP TABLE', 'v1|dismiss|insight', 'v1|dismiss|:42', 'v1|dismiss|insight:%E0%A4%A', 'v1|a|b:c|d:e|f', 'v1|dismiss|insight:42'.padEnd(MAX_ACTION_ID_LENGTH + 1, 'x')]) {
      const parsed = parseActionId(raw);
      expect(parsed.ok, raw).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('malformed');
    }
  });
});
