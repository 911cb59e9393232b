import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ingestTokenPath = (dataDir: string): string => join(dataDir, 'ingest-token');

/**
 * The embedded default must be usable with no setup, yet intake is never open: when no
 * INGEST_TOKEN is configured we make one, keep it under the data directory (mode 0600) and
 * reuse it on every later start, so scenario runs and senders keep working across restarts.
 */
export function resolveIngestToken(configured: string | undefined, dataDir: string): { token: string; generated: boolean } {
  if (configured) return { token: configured, generated: false };
  const path = ingestTokenPath(dataDir);
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length >= 16) return { token: stored, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = `trg_${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, token + '\n', { mode: 0o600 });
  return { token, generated: true };
}

/** Constant-time check of `Authorization: Bearer <token>`; hashing first equalises lengths. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  const a = createHash('sha256').update(match[1]!).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
