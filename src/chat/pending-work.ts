import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { ClickInput, CommandInput, type InteractionReply, type Interactions } from './interactions.js';
import type { ChatPlatform } from './port.js';

/**
 * What a chat adapter acknowledged and must still do, kept in table `chat_work` before the work
 * starts (docs/architecture.md, "Everything else that must be one across replicas"). Slack and
 * Discord get their ack within 3 s and the answer later; if the replica that acked dies in
 * between, the person would wait for ever. With the row, any replica finds the work once its
 * lease has run out, runs it again through the core and answers through the adapter
 * (`answerLater`) at the address the row keeps (Slack's response_url, Discord's interaction token).
 *
 * The row doubles as the adapter's first sight of a delivery: `begin` answers false for a key
 * already begun, so a redelivered request or a double click never reaches the core twice.
 */
export const PendingEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('click'), input: ClickInput, address: z.unknown() }),
  z.object({ kind: z.literal('command'), input: CommandInput, address: z.unknown() }),
]);
export type PendingEntry = z.infer<typeof PendingEntry>;

export type PendingWork = {
  /** Records the work before it runs; false when the key was begun before (a redelivery). */
  begin(key: string, platform: ChatPlatform, entry: PendingEntry): Promise<boolean>;
  /** The work ended (answered, or failed with an answer): its payload is dropped. */
  finish(key: string): Promise<void>;
  /** Runs again, through `interactions`, the work of replicas that died; answers how many. */
  resumeOrphans(interactions: Interactions, answerLater: (platform: string, address: unknown, reply: InteractionReply) => Promise<void>): Promise<number>;
};

export type PendingWorkOptions = { owner: string; leaseMs?: number; maxAttempts?: number; logger: Pick<Logger, 'warn' | 'error' | 'info'> };

const Claimed = z.object({ key: z.string(), platform: z.string(), attempts: z.coerce.number(), payload: z.unknown() });

type Asked = { key: string; platform: string; kind: string; payload: unknown; answer(first: boolean): void; fail(error: unknown): void };

/**
 * `begin` and `finish` of one event-loop turn share one statement each: the post-ack queue
 * starts work in bursts, and the ack path's cost was measured per round trip (bench/ack).
 */
export function createPendingWork(database: Database, options: PendingWorkOptions): PendingWork {
  // Post-ack work is short: a command's answer is bounded by Doctor's check deadlines, and a
  // click returns once its action is claimed (the action runs on, tracked in action_requests).
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 3;
  let begun: Asked[] = [];
  let finished: Array<{ key: string; done(): void; fail(error: unknown): void }> = [];

  const flushBegun = async (): Promise<void> => {
    const asked = begun;
    begun = [];
    try {
      const rows = asked.map((a) => ({ k: a.key, p: a.platform, n: a.kind, d: a.payload }));
      const stored = await database.query<{ key: string }>(sql`
        insert into chat_work (key, platform, kind, payload, status, owner, lease_until)
        select k, p, n, d, 'running', ${options.owner}, now() + ${`${leaseMs} milliseconds`}::interval
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(k text, p text, n text, d jsonb)
        on conflict do nothing
        returning key`);
      const fresh = new Set(stored.map((r) => r.key));
      for (const a of asked) {
        a.answer(fresh.has(a.key));
        fresh.delete(a.key);
      }
    } catch (error) {
      for (const a of asked) a.fail(error);
    }
  };

  const flushFinished = async (): Promise<void> => {
    const done = finished;
    finished = [];
    try {
      await database.query(sql`
        update chat_work set status = 'done', payload = null, finished_at = now()
        where key in (select jsonb_array_elements_text(${JSON.stringify(done.map((d) => d.key))}::jsonb))`);
      for (const d of done) d.done();
    } catch (error) {
      for (const d of done) d.fail(error);
    }
  };

  const claimOrphans = async () => {
    const rows = await database.query(sql`
      update chat_work set owner = ${options.owner}, attempts = attempts + 1, lease_until = now() + ${`${leaseMs} milliseconds`}::interval
      where key in (
        select key from chat_work where status = 'running' and lease_until < now()
        order by lease_until limit 20 for update skip locked)
      returning key, platform, attempts, payload`);
    return rows.map((r) => Claimed.parse(r));
  };

  return {
    begin(key, platform, entry) {
      return new Promise<boolean>((answer, fail) => {
        begun.push({ key, platform, kind: entry.kind, payload: entry, answer, fail });
        if (begun.length === 1) setImmediate(() => void flushBegun());
      });
    },
    finish(key) {
      return new Promise<void>((done, fail) => {
        finished.push({ key, done, fail });
        if (finished.length === 1) setImmediate(() => void flushFinished());
      });
    },
    async resumeOrphans(interactions, answerLater) {
      let resumed = 0;
      for (const row of await claimOrphans()) {
        const entry = PendingEntry.safeParse(row.payload);
        // A payload that no longer parses, or work that failed on every replica that tried it,
        // is given up on the record rather than retried for ever.
        if (!entry.success || row.attempts > maxAttempts) {
          await database.query(sql`update chat_work set status = 'abandoned', payload = null, finished_at = now() where key = ${row.key}`);
          options.logger.error({ key: row.key, attempts: row.attempts }, 'gave up on acknowledged chat work that no replica could finish');
          continue;
        }
        options.logger.info({ key: row.key, platform: row.platform, kind: entry.data.kind }, 'resuming chat work a stopped replica had acknowledged');
        try {
          const reply = entry.data.kind === 'click' ? await interactions.click(entry.data.input) : await interactions.command(entry.data.input);
          await answerLater(row.platform, entry.data.address, reply);
          await this.finish(row.key);
          resumed++;
        } catch (error) {
          options.logger.warn({ err: error, key: row.key }, 'resumed chat work failed; another attempt follows when its lease runs out');
        }
      }
      return resumed;
    },
  };
}
