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

/** The ingest token and, while it is being rotated out, the one before it (INGEST_TOKEN_PREVIOUS). */
export type IngestTokens = { current: string; previous?: string | undefined };

/** Which token let the request in, or why none did: names of tokens only, never a value. */
export type BearerCheck = { ok: true; matched: 'current' | 'previous' } | { ok: false; reason: string };

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * `Authorization: Bearer <token>` against the current token, then the previous one. Both are
 * compared on every request, in constant time on equal-length digests, so the time taken says
 * neither whether the token is close nor which one it matched.
 */
export function checkBearer(header: string | undefined, tokens: IngestTokens): BearerCheck {
  if (!header) return { ok: false, reason: 'no Authorization header; send Authorization: Bearer <INGEST_TOKEN>' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { ok: false, reason: 'the Authorization header is not "Bearer <token>"; send Authorization: Bearer <INGEST_TOKEN>' };
  const sent = digest(match[1]!);
  const current = timingSafeEqual(sent, digest(tokens.current));
  const previous = tokens.previous !== undefined && timingSafeEqual(sent, digest(tokens.previous));
  if (current) return { ok: true, matched: 'current' };
  if (previous) return { ok: true, matched: 'previous' };
  return {
    ok: false,
    reason: tokens.previous === undefined
      ? 'the bearer token does not match the ingest token (INGEST_TOKEN)'
      : 'the bearer token matches neither the current ingest token (INGEST_TOKEN) nor the previous one (INGEST_TOKEN_PREVIOUS)',
  };
}

/** What every route behind the ingest token asks; a request let in by the previous token is counted. */
export type IngestAuth = (header: string | undefined) => BearerCheck;

export function createIngestAuth(tokens: IngestTokens, onPrevious: () => void): IngestAuth {
  return (header) => {
    const checked = checkBearer(header, tokens);
    if (checked.ok && checked.matched === 'previous') onPrevious();
    return checked;
  };
}
