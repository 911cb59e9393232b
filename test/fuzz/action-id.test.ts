import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionRef, buildActionId, MAX_ACTION_ID_LENGTH, parseActionId } from '../../src/chat/action-id.js';
import { anyText, mutated, PARSER_RUNS } from './arbitraries.js';

/**
 * Button values come back from Slack, Discord and the browser: whatever arrives, parseActionId
 * answers a typed result and never throws (docs/architecture.md, conventions §8).
 */
const token = fc.oneof(fc.constantFrom('dismiss', 'restart_runtime', 'approve', 'insight', 'runtime', 'approval'), fc.stringMatching(/^[a-z][a-z0-9_]{0,39}$/));
const refId = fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), fc.constantFrom('|', '%', '%7C', '%25', ':', 'a|b%7C:c', '%E0%A4%A', '\ud800'));
const ref = fc.record({ kind: token, id: refId });
const validRef = fc.record({ action: token, subject: fc.option(ref, { nil: undefined }), target: fc.option(ref, { nil: undefined }) }).map(({ action, subject, target }) => ({
  action,
  ...(subject && { subject }),
  ...(target && { target }),
}));
/** Built ids that fit, so the round trip is about parsing, not about the builder's length check. */
const builtId = validRef.map((r) => buildActionId({ ...r, ...(r.subject && { subject: { ...r.subject, id: r.subject.id.slice(0, 40) } }), ...(r.target && { target: { ...r.target, id: r.target.id.slice(0, 40) } }) }));

const forged = fc.oneof(
  { weight: 3, arbitrary: anyText },
  { weight: 4, arbitrary: builtId.chain(mutated) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('v', '1', '|', ':', '%', 'a', '_', '7', 'C', 'F', ' '), maxLength: 30 }) },
  { weight: 1, arbitrary: fc.array(anyText, { maxLength: 6 }).map((parts) => ['v1', ...parts].join('|')) },
);

describe('action ids under fuzzing', () => {
  it(`parses ${PARSER_RUNS} forged or damaged ids into a valid reference or a worded error, never an exception`, () => {
    fc.assert(
      fc.property(forged, (raw) => {
        const parsed = parseActionId(raw);
        if (parsed.ok) {
          expect(ActionRef.safeParse(parsed.value).success).toBe(true);
          expect(raw.length).toBeLessThanOrEqual(MAX_ACTION_ID_LENGTH);
        } else {
          expect(parsed.error.code).toBe('malformed');
          expect(parsed.error.message.trim().length).toBeGreaterThan(5);
        }
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`round-trips ${PARSER_RUNS} references with any characters in their ids`, () => {
    fc.assert(
      fc.property(validRef, (input) => {
        let id: string;
        try {
          id = buildActionId(input);
        } catch (error) {
          // The builder refuses only an id a platform would reject; never anything else.
          expect(error).toBeInstanceOf(RangeError);
          return;
        }
        expect(parseActionId(id)).toEqual({ ok: true, value: input });
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`gives the same reference for ${PARSER_RUNS} accepted forgeries once rebuilt (one meaning per id)`, () => {
    fc.assert(
      fc.property(forged, (raw) => {
        const parsed = parseActionId(raw);
        if (!parsed.ok) return;
        expect(parseActionId(buildActionId(parsed.value))).toEqual(parsed);
      }),
      { numRuns: PARSER_RUNS },
    );
  });
});
