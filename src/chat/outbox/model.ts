import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { Card, type CardInput, type Severity } from '../card.js';
import { ChatPlatform } from '../port.js';

/** Shared vocabulary of the outbox files: row kinds and states, options, time and SQL helpers. */
export const OutboxKind = z.enum(['post', 'update']);
export type OutboxKind = z.infer<typeof OutboxKind>;

export const OutboxStatus = z.enum(['pending', 'in_flight', 'sent', 'failed']);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

export const OutboxOptions = z
  .object({
    /** Tries per row, the first included; then the row is kept as 'failed'. */
    maxAttempts: z.number().int().min(1).default(8),
    /** 429s a row may wait out (each after its Retry-After) without spending an attempt: hours of Slack's limits. */
    maxRateLimitedWaits: z.number().int().min(0).default(500),
    baseBackoffMs: z.number().int().nonnegative().default(1_000),
    capBackoffMs: z.number().int().nonnegative().default(5 * 60_000),
    /** How long a claimed row belongs to its worker; after that another worker may take it. */
    leaseMs: z.number().int().positive().default(60_000),
    deliveryTimeoutMs: z.number().int().positive().default(15_000),
    /** Storm control: at most one update of a card per this interval; later ones coalesce. */
    minUpdateIntervalMs: z.number().int().nonnegative().default(2_000),
    /** Slack's budget of about one post per second per channel, shared by every replica. */
    channelPostIntervalMs: z.number().int().nonnegative().default(1_000),
    /**
     * Slack's chat.update is Tier 3, about 50 a minute for the whole workspace: at most one update
     * of any card per this interval per platform, shared by every replica; 0 turns the spacing off
     * (a 429's Retry-After still holds every update of the platform).
     */
    workspaceUpdateIntervalMs: z.number().int().nonnegative().default(1_200),
    batchSize: z.number().int().min(1).max(500).default(20),
  })
  // A delivery that outlives its lease could be claimed and sent a second time by another worker.
  .refine((o) => o.deliveryTimeoutMs < o.leaseMs, { message: 'deliveryTimeoutMs must be shorter than leaseMs' });
export type OutboxOptions = z.infer<typeof OutboxOptions>;
export type OutboxOptionsInput = z.input<typeof OutboxOptions>;

const PRIORITY: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
export const priorityOf = (severity: Severity): number => PRIORITY[severity];

/** A card addressed to one channel: the unit the outbox posts once and updates in place. */
export const OutboundCard = z.object({
  platform: ChatPlatform,
  channel: z.string().min(1).max(200),
  cardKey: z.string().min(1).max(300),
  card: Card,
  /** Post as a reply in the thread of this card's message (it must be posted first). */
  threadCardKey: z.string().min(1).max(300).optional(),
});
export type OutboundCard = z.infer<typeof OutboundCard>;
export type OutboundCardInput = Omit<z.input<typeof OutboundCard>, 'card'> & { card: CardInput };

/** A row a worker holds: what deliver needs, and the token that proves it still holds it. */
export type ClaimedRow = {
  id: number;
  kind: OutboxKind;
  platform: ChatPlatform;
  channel: string;
  cardKey: string;
  card: unknown;
  attempts: number;
  claimToken: string;
  /** The card's own message (updates) or its thread parent's (thread posts), when known. */
  targetMessageId: string | null;
};

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Q = Db | Tx;

/** Timestamps go to SQL as explicit timestamptz so both drivers compare them the same way. */
export const ts = (ms: number): SQL => sql`${new Date(ms).toISOString()}::timestamptz`;

export const platformList = (platforms: readonly string[]): SQL => sql.join(platforms.map((p) => sql`${p}`), sql`, `);

/** `execute` gives an array on postgres-js and `{ rows }` on PGlite (docs/architecture.md, conventions §12). */
export async function rows<Row>(q: Q, statement: SQL): Promise<Row[]> {
  const result = (await q.execute(statement)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}
