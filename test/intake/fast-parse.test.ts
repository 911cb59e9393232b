import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkEvent } from '../../src/events/envelope.js';
import { EVENT_TYPES, type EventType } from '../../src/events/vocabulary.js';
import { fastEvent } from '../../src/intake/event-batch.js';
import { compileFastParser, UNSURE } from '../../src/intake/fast-parse.js';
import { generateEvents } from '../../bench/support/events.js';

/**
 * The fast path may only ever say what zod says: for every input it vouches for, zod must accept
 * it and produce the same value, key order included. Inputs are generated around each schema's
 * edges (lengths in UTF-16 units and code points, bounds, enums, absent and extra keys).
 */
const edgeValues: unknown[] = [
  '', 'a', 'ab', 'x'.repeat(199), 'x'.repeat(200), 'x'.repeat(201), '😀', '😀'.repeat(100), '😀'.repeat(101),
  'x'.repeat(500), 'x'.repeat(501), 'x'.repeat(4000), 'x'.repeat(4001), '\ud800', 'runtime.heartbeat', 'Custom.Type',
  '2026-05-03T14:30:00Z', '2026-05-03T14:30:00.123+02:00', '2026-05-03T14:30:00', '2026-02-30T00:00:00Z', 'yesterday',
  0, -0, -1, 1, 0.5, 1.5, 3, 100, 101, 86_400, 86_401, 2 ** 53, 1e308, Number.NaN, Number.POSITIVE_INFINITY,
  null, true, false, [], ['a'], ['a', 1], {}, { a: 'b' }, { a: 1 }, new Date(0), Object.create(null) as object,
];

type Shape = Record<string, z.ZodType>;
const shapeOf = (schema: z.ZodType): Shape => (schema as unknown as { shape: Shape }).shape;

/** Values of the field's own kind (enum members, numbers, names...), so that many generated inputs pass. */
function plausibleValues(field: z.ZodType): unknown[] {
  const zod = (field as unknown as { _zod: { def: Record<string, unknown> & { type: string }; values?: Set<unknown> } })._zod;
  if (zod.values) return [...zod.values].filter((v) => v !== undefined);
  switch (zod.def.type) {
    case 'string':
      return ['bash-runtime-mike', 'ok', '2026-05-03T14:30:00Z'];
    case 'number':
      return [0, 0.5, 1, 2, 30];
    case 'boolean':
      return [true, false];
    case 'array':
      return [['ab', 'cd'], []];
    case 'record':
      return [{ ab: 'cd' }, {}];
    case 'optional':
    case 'default':
      return plausibleValues(zod.def.innerType as z.ZodType);
    default:
      return ['anything', 1];
  }
}

function attributesFor(schema: z.ZodType): fc.Arbitrary<Record<string, unknown>> {
  const shape = shapeOf(schema);
  const keys = Object.keys(shape);
  const valueFor = (key: string) =>
    fc.oneof(
      { arbitrary: fc.constantFrom<unknown>(...plausibleValues(shape[key]!)), weight: 8 },
      { arbitrary: fc.constantFrom(...edgeValues), weight: 1 },
    );
  const fields = fc.tuple(...keys.map((key) => fc.option(valueFor(key), { nil: undefined, freq: 12 })));
  const extras = fc.array(fc.tuple(fc.constantFrom('extra', 'note', '__proto__', 'constructor', '1', keys[0] ?? 'k'), fc.constantFrom(...edgeValues)), { maxLength: 2 });
  return fc.tuple(fields, extras, fc.boolean(), fc.boolean()).map(([values, extra, reversed, explicitUndefined]) => {
    const entries: Array<[string, unknown]> = keys.flatMap((key, i) =>
      values[i] === undefined ? (explicitUndefined && i === 0 ? [[key, undefined] as [string, unknown]] : []) : [[key, values[i]] as [string, unknown]],
    );
    const all = [...entries, ...extra];
    if (reversed) all.reverse();
    // JSON.parse's own way of holding "__proto__": an own, enumerable data property.
    const out: Record<string, unknown> = {};
    for (const [k, v] of all) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/** Same keys in the same order, same leaves: what `toEqual` does not check. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue((a as never)[k], (b as never)[k]));
}

const types = Object.keys(EVENT_TYPES) as EventType[];

describe('compiled fast parsers agree with zod', () => {
  it.each(types)('%s attributes', (type) => {
    const schema = EVENT_TYPES[type];
    const fast = compileFastParser(schema);
    expect(fast, `${type} should compile`).toBeDefined();
    let vouched = 0;
    fc.assert(
      fc.property(attributesFor(schema), (input) => {
        const out = fast!(input);
        if (out === UNSURE) return;
        vouched++;
        const zod = schema.safeParse(input);
        expect(zod.success, JSON.stringify(input)).toBe(true);
        expect(sameValue(out, zod.data), JSON.stringify({ out, zod: zod.data })).toBe(true);
      }),
      { numRuns: 400 },
    );
    expect(vouched).toBeGreaterThan(0);
  });

  it('applies defaults exactly where zod does (routine.spend period)', () => {
    const fast = compileFastParser(EVENT_TYPES['routine.spend'])!;
    const input = { routine: 'nightly', spentUsd: 1, limitUsd: 2, note: 'x' };
    expect(fast(input)).toEqual({ routine: 'nightly', spentUsd: 1, limitUsd: 2, period: 'month', note: 'x' });
    expect(sameValue(fast(input), EVENT_TYPES['routine.spend'].parse(input))).toBe(true);
  });

  it('declines what it was not built for, so zod decides', () => {
    expect(compileFastParser(z.string().refine((s) => s.length > 1))).toBeUndefined();
    expect(compileFastParser(z.string().email())).toBeUndefined();
    expect(compileFastParser(z.union([z.string(), z.number()]))).toBeUndefined();
    expect(compileFastParser(z.object({ a: z.string().default('x').optional() }))).toBeUndefined();
  });
});

describe('fastEvent agrees with checkEvent', () => {
  const envelopeValues = fc.constantFrom<unknown>(...edgeValues, 'platform-a', 'custom.thing', 'h-1');
  const envelopes = fc
    .tuple(
      fc.option(fc.oneof({ arbitrary: fc.constant('h-1'), weight: 6 }, { arbitrary: envelopeValues, weight: 1 }), { nil: undefined }),
      fc.constantFrom<unknown>(...types, ...types, 'custom.thing', 'Bad', 'runtime', 7),
      fc.option(fc.oneof({ arbitrary: fc.constant('platform-a'), weight: 6 }, { arbitrary: envelopeValues, weight: 1 }), { nil: undefined, freq: 12 }),
      fc.option(
        fc.oneof(
          { arbitrary: fc.constantFrom('2026-05-03T14:30:00Z', '2026-05-03T14:30:00.5+02:00'), weight: 6 },
          { arbitrary: fc.constantFrom(...edgeValues), weight: 1 },
        ),
        { nil: undefined, freq: 12 },
      ),
      fc.boolean(),
      fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    )
    .chain(([id, type, source, occurredAt, withAttributes, extraKey]) => {
      const schema = typeof type === 'string' && type in EVENT_TYPES ? EVENT_TYPES[type as EventType] : z.looseObject({ a: z.number() });
      return attributesFor(schema).map((attributes) => ({
        ...(id === undefined ? {} : { id }),
        type,
        ...(source === undefined ? {} : { source }),
        ...(occurredAt === undefined ? {} : { occurredAt }),
        ...(withAttributes ? { attributes } : {}),
        ...(extraKey ? { extra: 1 } : {}),
      }));
    });

  it('vouches only for events checkEvent accepts, with the same event', () => {
    let vouched = 0;
    fc.assert(
      fc.property(envelopes, (raw) => {
        const fast = fastEvent(raw);
        if (!fast) return;
        vouched++;
        const checked = checkEvent(raw, 0);
        expect(checked.ok, JSON.stringify(raw)).toBe(true);
        expect(sameValue(fast, checked.ok && checked.event), JSON.stringify({ fast, checked })).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(vouched).toBeGreaterThan(50);
  });

  it('takes the fast path for every event of a realistic mix', () => {
    const events = JSON.parse(JSON.stringify(generateEvents('fast-path', 2000, 'f'))) as unknown[];
    const missed = events.filter((e) => !fastEvent(e));
    expect(missed).toEqual([]);
    for (const e of events.slice(0, 300)) {
      const checked = checkEvent(e, 0);
      expect(checked.ok && sameValue(fastEvent(e), checked.event)).toBe(true);
    }
  });
});
