import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { actionRequests } from '../db/schema/actions.js';

/** A stored ActionRequest, parsed when read back. */
export const ActionRequest = z.object({
  id: z.number(),
  idempotencyKey: z.string(),
  action: z.string(),
  targetKind: z.string(),
  targetId: z.string(),
  subject: z.string().nullable(),
  params: z.unknown(),
  actor: Actor,
  actorKey: z.string(),
  sourceMessage: z.object({ platform: z.enum(['slack', 'discord', 'console']), channel: z.string(), messageId: z.string() }).nullable(),
  status: z.enum(['running', 'succeeded', 'failed']),
  outcome: z.string().nullable(),
  retryable: z.boolean().nullable(),
  platformKey: z.string().nullable(),
  failureCode: z.string().nullable(),
  resumes: z.number().int(),
  createdAt: z.date(),
  deadlineAt: z.date(),
  finishedAt: z.date().nullable(),
});
export type ActionRequest = z.infer<typeof ActionRequest>;

export type NewRequest = Omit<ActionRequest, 'id' | 'status' | 'outcome' | 'retryable' | 'failureCode' | 'resumes' | 'finishedAt'>;

/**
 * - started: this click's row was inserted; it is the one that runs;
 * - duplicate: this very click was seen before (a redelivery, a double submit);
 * - busy: someone else's request for the same action and target is still running.
 */
export type Claim = { outcome: 'started'; request: ActionRequest } | { outcome: 'duplicate'; request: ActionRequest } | { outcome: 'busy'; request: ActionRequest };

/**
 * The row is the lock: stored before anything runs, with two unique indexes doing the work in one
 * statement (the click's idempotency key; one running request per action and target). Whatever
 * number of replicas and redeliveries race, one insert wins and the rest read who did.
 */
export async function claimRequest(db: Db, input: NewRequest): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [inserted] = await db.insert(actionRequests).values({ ...input, status: 'running' }).onConflictDoNothing().returning();
    if (inserted) return { outcome: 'started', request: ActionRequest.parse(inserted) };
    const [same] = await db.select().from(actionRequests).where(eq(actionRequests.idempotencyKey, input.idempotencyKey));
    if (same) return { outcome: 'duplicate', request: ActionRequest.parse(same) };
    const [running] = await db
      .select()
      .from(actionRequests)
      .where(and(eq(actionRequests.action, input.action), eq(actionRequests.targetKind, input.targetKind), eq(actionRequests.targetId, input.targetId), eq(actionRequests.status, 'running')));
    if (running) return { outcome: 'busy', request: ActionRequest.parse(running) };
    // The running one finished between our insert and our reads: try again.
  }
  throw new Error(`could not claim ${input.action} on ${input.targetKind}:${input.targetId}: it keeps finishing and starting`);
}

/** Settles a running request; undefined when the watchdog (or another replica) settled it first. */
export async function finishRequest(
  db: Db,
  id: number,
  result: { status: 'succeeded' | 'failed'; outcome: string; retryable?: boolean; failureCode?: string; at: Date },
): Promise<ActionRequest | undefined> {
  const [row] = await db
    .update(actionRequests)
    .set({ status: result.status, outcome: result.outcome, retryable: result.retryable ?? null, failureCode: result.failureCode ?? null, finishedAt: result.at })
    .where(and(eq(actionRequests.id, id), eq(actionRequests.status, 'running')))
    .returning();
  return row ? ActionRequest.parse(row) : undefined;
}

/**
 * Requests past their deadline, failed in one statement so two watchdogs never both report one.
 * `resumedOnly`: only those already run again once (the others are resumed first).
 */
export async function expireOverdue(db: Db, now: Date, options: { resumedOnly?: boolean } = {}): Promise<ActionRequest[]> {
  const rows = await db
    .update(actionRequests)
    .set({
      status: 'failed',
      outcome: sql`'no result before the deadline (' || extract(epoch from (${actionRequests.deadlineAt} - ${actionRequests.createdAt}))::int || ' s); marked failed by the watchdog'`,
      // Nobody knows whether it worked: pressing again is the way to find out.
      retryable: true,
      failureCode: 'deadline',
      finishedAt: now,
    })
    .where(and(eq(actionRequests.status, 'running'), lt(actionRequests.deadlineAt, now), options.resumedOnly ? gt(actionRequests.resumes, 0) : undefined))
    .returning();
  return rows.map((r) => ActionRequest.parse(r));
}

/** Overdue requests never run again yet: candidates for the watchdog to resume. */
export async function overdueNotResumed(db: Db, now: Date, limit = 20): Promise<ActionRequest[]> {
  const rows = await db
    .select()
    .from(actionRequests)
    .where(and(eq(actionRequests.status, 'running'), lt(actionRequests.deadlineAt, now), eq(actionRequests.resumes, 0)))
    .orderBy(actionRequests.deadlineAt)
    .limit(limit);
  return rows.map((r) => ActionRequest.parse(r));
}

/** Takes an overdue request to run it again, with a new deadline; undefined when another watchdog took it. */
export async function takeForResume(db: Db, id: number, now: Date, deadlineAt: Date): Promise<ActionRequest | undefined> {
  const [row] = await db
    .update(actionRequests)
    .set({ resumes: sql`${actionRequests.resumes} + 1`, deadlineAt })
    .where(and(eq(actionRequests.id, id), eq(actionRequests.status, 'running'), lt(actionRequests.deadlineAt, now), eq(actionRequests.resumes, 0)))
    .returning();
  return row ? ActionRequest.parse(row) : undefined;
}

/**
 * Failures after which nobody knows whether the platform acted: a Retry of one of these sends the
 * same Idempotency-Key, so a platform that did act answers from its record instead of acting twice.
 */
const OUTCOME_UNKNOWN: ReadonlySet<string> = new Set(['timeout', 'unavailable', 'deadline']);

export const outcomeUnknown = (request: Pick<ActionRequest, 'status' | 'failureCode'>): boolean =>
  request.status === 'failed' && request.failureCode !== null && OUTCOME_UNKNOWN.has(request.failureCode);

export async function findRequest(db: Db, id: number): Promise<ActionRequest | undefined> {
  const [row] = await db.select().from(actionRequests).where(eq(actionRequests.id, id));
  return row ? ActionRequest.parse(row) : undefined;
}

/** Rewrites a settled request's outcome (the watchdog adds what it read back). */
export async function noteOutcome(db: Db, id: number, outcome: string): Promise<ActionRequest | undefined> {
  const [row] = await db.update(actionRequests).set({ outcome }).where(and(eq(actionRequests.id, id), eq(actionRequests.status, 'failed'))).returning();
  return row ? ActionRequest.parse(row) : undefined;
}
