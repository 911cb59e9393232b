import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../result.js';

/**
 * A console password as it is kept in config: `scrypt$N$r$p$<salt, base64>$<hash, base64>`,
 * made by `npm run console-password` (docs/architecture.md, "Console login"). Only the hash is
 * ever stored; the password itself is never written anywhere.
 */
export type PasswordHash = { N: number; r: number; p: number; salt: Buffer; hash: Buffer };

/** About 0.1 s and 32 MiB per check on a laptop: slow for a guesser, quick for a person. */
export const HASH_DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const;

const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
/** scrypt needs 128·N·r bytes; bounded so a config cannot make every login take a gigabyte. */
const MAX_MEMORY = 256 * 1024 * 1024;
const FORMAT = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
export const HASH_FORMAT = 'scrypt$N$r$p$salt$hash';

const memoryOf = (h: Pick<PasswordHash, 'N' | 'r'>): number => 128 * h.N * h.r;

/** The parts of a stored hash, or what is wrong with it, in words. */
export function parsePasswordHash(text: string): Result<PasswordHash, string> {
  const match = FORMAT.exec(text.trim());
  if (!match) return err(`is not in the form ${HASH_FORMAT}`);
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4]!, 'base64');
  const hash = Buffer.from(match[5]!, 'base64');
  if (N < MIN_N || N > MAX_N || (N & (N - 1)) !== 0) return err(`has N=${N}; N must be a power of two from ${MIN_N} to ${MAX_N}`);
  if (r < 1 || r > 32 || p < 1 || p > 16) return err(`has r=${r}, p=${p}; r must be 1 to 32 and p 1 to 16`);
  if (memoryOf({ N, r }) > MAX_MEMORY) return err(`needs ${memoryOf({ N, r }) >> 20} MiB per check (N·r too large); at most ${MAX_MEMORY >> 20} MiB`);
  if (salt.length < 16) return err(`has a salt of ${salt.length} bytes; at least 16 are needed`);
  if (hash.length < 32 || hash.length > 64) return err(`has a hash of ${hash.length} bytes; 32 to 64 are expected`);
  return ok({ N, r, p, salt, hash });
}

export function formatPasswordHash(h: PasswordHash): string {
  return `scrypt$${h.N}$${h.r}$${h.p}$${h.salt.toString('base64')}$${h.hash.toString('base64')}`;
}

function derive(password: string, h: Pick<PasswordHash, 'N' | 'r' | 'p' | 'salt'>, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), h.salt, length, { N: h.N, r: h.r, p: h.p, maxmem: memoryOf(h) + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: Pick<PasswordHash, 'N' | 'r' | 'p'> = HASH_DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  return formatPasswordHash({ ...params, salt, hash: await derive(password, { ...params, salt }, 32) });
}

/** Constant time in the comparison; the derivation takes as long whatever the password. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const derived = await derive(password, stored, stored.hash.length);
  return timingSafeEqual(derived, stored.hash);
}

/**
 * A hash no password matches, with the same cost as `like`: checked for an unknown name, so a
 * wrong name takes as long as a wrong password and answers cannot tell them apart.
 */
export const unmatchableHash = (like: Pick<PasswordHash, 'N' | 'r' | 'p'>): PasswordHash => ({ ...like, salt: randomBytes(16), hash: randomBytes(32) });
