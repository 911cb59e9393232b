import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Interaction, personOf } from '../../adapters/discord/payloads.js';
import { interactionVerifier, MAX_AGE_SECONDS } from '../../adapters/discord/verify.js';
import { anyJson, headerText, mutatedJson, PARSER_RUNS } from './arbitraries.js';
import { VALID_INTERACTIONS } from './payloads.js';

/**
 * Discord's edge at the function level: the Ed25519 check, then the zod schema every interaction
 * is parsed with (invariant 4). Over HTTP: test/fuzz/chat-routes.test.ts.
 */
const SIGNED_RUNS = 2_000;
const interaction = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...VALID_INTERACTIONS) },
  { weight: 7, arbitrary: fc.constantFrom(...VALID_INTERACTIONS).chain(mutatedJson) },
  { weight: 2, arbitrary: anyJson },
);

describe('Discord interactions under fuzzing', () => {
  it(`${PARSER_RUNS} near-valid interactions parse into a ping, a command or a button, or are refused; never a throw`, () => {
    fc.assert(
      fc.property(interaction, (raw) => {
        const parsed = Interaction.safeParse(raw);
        if (!parsed.success) return void expect(parsed.error.issues.length).toBeGreaterThan(0);
        const value = parsed.data;
        expect([1, 2, 3]).toContain(value.type);
        if (value.type === 1) return;
        // Who acted comes from the payload Discord signed; when it is there it is a snowflake.
        const person = personOf(value);
        if (person) expect(person.userId).toMatch(/^\d{1,25}$/);
        if (value.type === 3) expect(value.data.custom_id.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: PARSER_RUNS },
    );
    for (const valid of VALID_INTERACTIONS) expect(Interaction.safeParse(valid).success).toBe(true);
  });

  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const NOW_MS = 1_780_000_000_000;
  let clock = NOW_MS;
  const verifier = interactionVerifier(publicKeyHex, () => clock);
  /** The verifier at NOW_MS, or at another time for a stale request. */
  const verify = (headers: Parameters<typeof verifier>[0], raw: Buffer, at = NOW_MS) => {
    clock = at;
    return verifier(headers, raw);
  };
  const NOW = NOW_MS / 1000;
  const body = fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1'))).map((s) => Buffer.from(s, 'latin1'));
  const signOf = (timestamp: string, raw: Buffer) => sign(null, Buffer.concat([Buffer.from(timestamp), raw]), privateKey).toString('hex');

  it(`${PARSER_RUNS} made-up signatures and timestamps never verify, and never throw`, () => {
    const signature = fc.oneof(headerText, fc.stringMatching(/^[0-9a-f]{128}$/), fc.stringMatching(/^[0-9a-fA-F]{120,136}$/), fc.constant(undefined));
    const timestamp = fc.oneof(headerText, fc.integer({ min: NOW - 400, max: NOW + 400 }).map(String), fc.constantFrom(' 1780000000', '1780000000.0', '0x6a1a2b80', '1.78e9', undefined));
    fc.assert(
      fc.property(signature, timestamp, body, (sig, ts, raw) => {
        const outcome = verify({ ...(sig === undefined ? {} : { signature: sig }), ...(ts === undefined ? {} : { timestamp: ts }) }, raw);
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.reason.length).toBeGreaterThan(5);
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`${SIGNED_RUNS} signed bodies verify inside the window, and not once a byte, the signature or the time is off`, () => {
    const skew = fc.integer({ min: -MAX_AGE_SECONDS, max: MAX_AGE_SECONDS });
    // Ed25519 costs tens of microseconds a call, so fewer runs than the parsers get: each signs
    // once, checks the signature, and checks one way of spoiling it, chosen by the run.
    fc.assert(
      fc.property(body, skew, fc.nat(), (raw, off, flip) => {
        const timestamp = String(NOW + off);
        const signature = signOf(timestamp, raw);
        expect(verify({ signature: flip % 2 ? signature.toUpperCase() : signature, timestamp }, raw)).toEqual({ ok: true });
        const i = flip % 128;
        const spoiled = [
          () => verify({ signature: signature.slice(0, i) + (signature[i] === '0' ? '1' : '0') + signature.slice(i + 1), timestamp }, raw),
          () => verify({ signature, timestamp }, Buffer.concat([raw, Buffer.from([flip % 256])])),
          () => verify({ signature, timestamp: String(NOW + off + 1) }, raw),
          () => verify({ signature, timestamp }, raw, (NOW + off + MAX_AGE_SECONDS + 1) * 1000),
        ];
        expect(spoiled[flip % spoiled.length]!().ok).toBe(false);
      }),
      { numRuns: SIGNED_RUNS },
    );
  });
});
