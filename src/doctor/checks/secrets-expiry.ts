import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { DAY, HOUR, MINUTE, plural } from '../../insights/catalog/helpers.js';

export type CredentialExpiry = { credential: string; expiresAt: number };

/**
 * Each credential's latest `credential.expiry` event: a rotation is reported as a new event with a
 * later expiry, so only the newest one (by when it happened, then by arrival) says where it stands.
 */
export async function latestExpiries(database: Database): Promise<CredentialExpiry[]> {
  const rows = await database.query<{ credential: string | null; expires_at: string | null }>(sql`
    select distinct on (attributes->>'credential')
      attributes->>'credential' as credential, attributes->>'expiresAt' as expires_at
    from events
    where type = 'credential.expiry'
    order by attributes->>'credential', occurred_at desc, seq desc`);
  return rows.flatMap((r) => {
    const expiresAt = r.expires_at ? Date.parse(r.expires_at) : Number.NaN;
    return r.credential && Number.isFinite(expiresAt) ? [{ credential: r.credential, expiresAt }] : [];
  });
}

/** "2 days", "5 hours", "12 min": the largest unit that is at least one. */
export function span(ms: number): string {
  if (ms >= DAY) return plural(Math.floor(ms / DAY), 'day');
  if (ms >= HOUR) return plural(Math.floor(ms / HOUR), 'hour');
  return `${Math.max(1, Math.floor(ms / MINUTE))} min`;
}

export type ExpiryVerdict = { status: 'fail' | 'warning'; line: string; credential: string };

/** Expired is a FAIL, within `warnDays` a WARNING, anything later is not worth a line. */
export function judgeExpiry({ credential, expiresAt }: CredentialExpiry, now: number, warnDays: number): ExpiryVerdict | undefined {
  const left = expiresAt - now;
  if (left <= 0) return { status: 'fail', credential, line: `credential ${credential} expired ${span(-left)} ago` };
  if (left <= warnDays * DAY) return { status: 'warning', credential, line: `credential ${credential} expires in ${span(left)}` };
  return undefined;
}
