import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { EVENT_TYPES, isKnownEventType, type EventAttributes, type EventType } from '../../events/vocabulary.js';
import type { StoredEvent } from '../../intake/event-writer.js';
import { compileFastParser, UNSURE } from '../../intake/fast-parse.js';
import { agentKinds } from './apply-agent-events.js';
import { workKinds } from './apply-work-events.js';
import { remedyEvents } from './remedies/index.js';

/** One event's content for the model; `at` is when it happened on the platform. */
export type Item<K extends EventType> = { a: EventAttributes<K>; at: Date };

/**
 * How one event type changes the model, in a form that folds and batches:
 * - `key`: events with different keys commute (either order gives the same model), so only
 *   events of one key need to keep their order;
 * - `merge`: one item with exactly the effect of `prev` then `next` (same key and type), when
 *   there is one: ten heartbeats of a runtime become one update;
 * - `apply`: the statements that apply items of distinct keys, typically one multi-row upsert.
 */
export type EventKind<K extends EventType> = {
  key(a: EventAttributes<K>): string;
  merge?(prev: Item<K>, next: Item<K>): Item<K>;
  apply(items: Item<K>[]): SQL[];
};
export type EventKinds = { [K in EventType]?: EventKind<K> };

const KINDS: EventKinds = { ...agentKinds, ...workKinds, ...remedyEvents };

type Op = { type: EventType; item: Item<EventType>; wave: number };

/**
 * The scenario player (and a real platform feeding the intake) describes what happens on the
 * platform as events; this folds a stored batch into the simulator's model so reads and actions
 * see the same outage the insights do. Types the model has no state for are ignored, as are
 * attributes that do not parse: a malformed event must not stop the ones after it.
 *
 * The batch is applied as if its events ran one by one in time order (arrival order for equal
 * times), but in one transaction and with few statements: each key's events are folded (merged
 * where a later one subsumes an earlier one), then applied in waves, where wave n holds every
 * key's n-th remaining event, one statement per type. Keys commute, so only each key's order
 * matters, and the waves keep it. The statements carry no bind parameters, so they can all be
 * sent at once (see `run`), and PostgreSQL runs them in order.
 */
export async function applyEvents(db: Db, events: StoredEvent[], now: () => Date): Promise<void> {
  const parsed: Array<{ type: EventType; item: Item<EventType> }> = [];
  for (const event of events) {
    if (!isKnownEventType(event.type) || !KINDS[event.type]) continue;
    const a = parseAttributes(event.type, event.attributes);
    if (a !== undefined) parsed.push({ type: event.type, item: { a, at: occurredAt(event.occurredAt, now) } });
  }
  if (!parsed.length) return;
  parsed.sort((x, y) => x.item.at.getTime() - y.item.at.getTime()); // stable: ties keep arrival order

  const waves: Op[][] = [];
  const lastByKey = new Map<string, Op>();
  for (const { type, item } of parsed) {
    const kind = KINDS[type] as EventKind<EventType>;
    const key = kind.key(item.a);
    const last = lastByKey.get(key);
    if (last && last.type === type && kind.merge) {
      last.item = kind.merge(last.item, item);
      continue;
    }
    const op: Op = { type, item, wave: last ? last.wave + 1 : 0 };
    lastByKey.set(key, op);
    (waves[op.wave] ??= []).push(op);
  }

  const statements: SQL[] = [];
  for (const wave of waves) {
    const byType = new Map<EventType, Item<EventType>[]>();
    for (const op of wave) {
      const items = byType.get(op.type);
      if (items) items.push(op.item);
      else byType.set(op.type, [op.item]);
    }
    for (const [type, items] of byType) statements.push(...(KINDS[type] as EventKind<EventType>).apply(items));
  }
  await run(db, statements);
}

/**
 * Runs a batch's statements atomically and in order. Where the driver takes several statements in
 * one message (postgres.js sends a statement without parameters as a simple query), they go as one:
 * PostgreSQL runs a multi-statement query as one implicit transaction, so the batch costs one
 * write and one round trip. Otherwise (PGlite) they run pipelined in an explicit transaction.
 */
async function run(db: Db, statements: SQL[]): Promise<void> {
  if (!statements.length) return;
  if (await takesManyStatements(db)) {
    await db.execute(sql.join(statements, sql`;\n`));
    return;
  }
  await db.transaction(async (tx) => {
    await Promise.all(statements.map((statement) => tx.execute(statement)));
  });
}

const manyStatements = new WeakMap<Db, Promise<boolean>>();

/** Asked once per database handle, with a query that changes nothing. */
function takesManyStatements(db: Db): Promise<boolean> {
  let answer = manyStatements.get(db);
  if (!answer) {
    answer = db.execute(sql.raw('select 1; select 1')).then(
      () => true,
      () => false,
    );
    manyStatements.set(db, answer);
  }
  return answer;
}

/** The type's schema decides; the compiled fast path answers for the usual well-formed event. */
function parseAttributes(type: EventType, raw: unknown): EventAttributes<EventType> | undefined {
  const fast = compileFastParser(EVENT_TYPES[type]);
  const value = fast ? fast(raw) : UNSURE;
  if (value !== UNSURE) return value as EventAttributes<EventType>;
  const parsed = EVENT_TYPES[type].safeParse(raw);
  return parsed.success ? (parsed.data as EventAttributes<EventType>) : undefined;
}

function occurredAt(value: string, now: () => Date): Date {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? now() : at;
}
