import { z } from 'zod';

/**
 * A compiled, allocation-light stand-in for `schema.safeParse(input)` on the intake's hot path.
 *
 * It answers either the exact value zod would produce (same keys, same order, defaults applied)
 * or UNSURE, and UNSURE always means "ask zod": on any failure, and on anything it was not built
 * to vouch for (`__proto__` keys, objects that are not plain). zod stays the authority on what is valid and on every message;
 * this only skips zod's bookkeeping when an input is plainly fine, which is almost always.
 *
 * Only the zod features the event vocabulary uses are compiled: objects (strict, loose, strip),
 * strings with length and pattern checks, finite numbers with bounds and int, booleans, enums,
 * literals, optional, primitive defaults, arrays with length bounds, string-keyed records and
 * unknown. Anything else (refine, transform, union, coerce...) makes `compileFastParser` return
 * undefined and the caller uses zod for that schema. test/intake/fast-parse.test.ts checks the
 * answers against zod on generated inputs.
 */
export const UNSURE: unique symbol = Symbol('unsure');
export type FastParser = (input: unknown) => unknown;

type Internals = {
  def: Record<string, unknown> & { type: string; checks?: Check[] };
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
  values?: Set<unknown>;
};
type Schema = { _zod: Internals };
type Check = { _zod: { def: Record<string, unknown> & { check: string } } };

/** zod's default `when` for length checks (run on anything with a length); a custom one is not compiled. */
const lengthWhen = internals(z.string().min(1)).def.checks![0]!._zod.def.when;

function internals(schema: unknown): Internals {
  return (schema as Schema)._zod;
}

const cache = new WeakMap<object, FastParser | null>();

/** Compiles once per schema object; undefined when the schema uses something not compiled here. */
export function compileFastParser(schema: z.ZodType): FastParser | undefined {
  const hit = cache.get(schema);
  if (hit !== undefined) return hit ?? undefined;
  let parser: FastParser | undefined;
  try {
    parser = compile(schema as unknown as Schema);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
  }
  cache.set(schema, parser ?? null);
  return parser;
}

class Unsupported extends Error {}
const unsupported = (what: string): never => {
  throw new Unsupported(what);
};

function compile(schema: Schema): FastParser {
  const { def } = schema._zod;
  if (def.coerce) unsupported('coerce');
  switch (def.type) {
    case 'string':
      return compileString(schema);
    case 'number':
      return compileNumber(schema);
    case 'boolean':
      noChecks(def);
      return (v) => (typeof v === 'boolean' ? v : UNSURE);
    case 'enum':
    case 'literal': {
      noChecks(def);
      const values = schema._zod.values ?? unsupported('enum without values');
      return (v) => (values.has(v) ? v : UNSURE);
    }
    case 'unknown':
      noChecks(def);
      return (v) => v;
    case 'optional': {
      noChecks(def);
      const inner = def.innerType as Schema;
      if (inner._zod.optin === 'defaulted') unsupported('optional default');
      const parse = compile(inner);
      return (v) => (v === undefined ? undefined : parse(v));
    }
    case 'default': {
      noChecks(def);
      const value = def.defaultValue;
      if (value === undefined || (value !== null && typeof value === 'object') || typeof value === 'function') {
        unsupported('non-primitive default');
      }
      const parse = compile(def.innerType as Schema);
      return (v) => {
        if (v === undefined) return value;
        const out = parse(v);
        return out === undefined ? value : out;
      };
    }
    case 'array':
      return compileArray(schema);
    case 'record':
      return compileRecord(schema);
    case 'object':
      return compileObject(schema);
    default:
      return unsupported(def.type);
  }
}

function noChecks(def: Internals['def']): void {
  if (def.checks?.length) unsupported(`checks on ${def.type}`);
}

type Bounds = { min: number; max: number };

/** Length bounds (strings are measured by `withinLength`); any other check is unsupported. */
function lengthBounds(checks: Check[], allow: (check: Check['_zod']['def']) => boolean): Bounds {
  const bounds = { min: 0, max: Infinity };
  for (const { _zod } of checks) {
    const d = _zod.def;
    if (allow(d)) continue;
    if (d.when !== undefined && d.when !== lengthWhen) unsupported('custom when');
    if (d.check === 'min_length') bounds.min = Math.max(bounds.min, d.minimum as number);
    else if (d.check === 'max_length') bounds.max = Math.min(bounds.max, d.maximum as number);
    else unsupported(d.check);
  }
  return bounds;
}

/**
 * zod measures strings in code points (a surrogate pair is one). A string has between units/2
 * and `units` code points, so most strings need no counting; the rest are counted as zod does.
 */
function withinLength(value: string, b: Bounds): boolean {
  const units = value.length;
  if (units <= b.max && units >= 2 * b.min) return true;
  let points = units;
  for (let i = 0; i < units - 1; i++) {
    if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      points--;
      i++;
    }
  }
  return points >= b.min && points <= b.max;
}

function compileString(schema: Schema): FastParser {
  const { def } = schema._zod;
  const patterns: RegExp[] = [];
  // A format schema (z.iso.datetime()) is its own check: a pattern test and nothing more for
  // the formats below; other formats (url, email, jwt...) check more than a pattern.
  if (def.check !== undefined) {
    if (def.check !== 'string_format' || !['datetime', 'regex'].includes(def.format as string)) unsupported(`format ${String(def.format)}`);
    patterns.push(def.pattern as RegExp);
  }
  const bounds = lengthBounds(def.checks ?? [], (d) => {
    if (d.check !== 'string_format') return false;
    if (d.format !== 'regex' || !(d.pattern instanceof RegExp)) unsupported(`format ${String(d.format)}`);
    patterns.push(d.pattern as RegExp);
    return true;
  });
  const unbounded = bounds.min === 0 && bounds.max === Infinity;
  return (v) => {
    if (typeof v !== 'string') return UNSURE;
    if (!unbounded && !withinLength(v, bounds)) return UNSURE;
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (!pattern.test(v)) return UNSURE;
    }
    return v;
  };
}

function compileNumber(schema: Schema): FastParser {
  let min = -Infinity;
  let minInclusive = true;
  let max = Infinity;
  let maxInclusive = true;
  let int = false;
  for (const { _zod } of schema._zod.def.checks ?? []) {
    const d = _zod.def;
    if (d.when !== undefined) unsupported('custom when');
    if (d.check === 'greater_than' && typeof d.value === 'number') {
      [min, minInclusive] = [d.value, d.inclusive === true];
    } else if (d.check === 'less_than' && typeof d.value === 'number') {
      [max, maxInclusive] = [d.value, d.inclusive === true];
    } else if (d.check === 'number_format' && d.format === 'safeint') {
      int = true;
    } else {
      unsupported(d.check);
    }
  }
  // Several bounds of one kind would need all of them kept; the vocabulary never stacks them.
  const bounds = (schema._zod.def.checks ?? []).map((c) => c._zod.def.check);
  if (bounds.filter((c) => c === 'greater_than').length > 1 || bounds.filter((c) => c === 'less_than').length > 1) {
    unsupported('stacked bounds');
  }
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return UNSURE;
    if (int && !Number.isSafeInteger(v)) return UNSURE;
    if (minInclusive ? v < min : v <= min) return UNSURE;
    if (maxInclusive ? v > max : v >= max) return UNSURE;
    return v;
  };
}

function compileArray(schema: Schema): FastParser {
  const { def } = schema._zod;
  const bounds = lengthBounds(def.checks ?? [], () => false);
  const element = compile(def.element as Schema);
  return (v) => {
    if (!Array.isArray(v) || v.length < bounds.min || v.length > bounds.max) return UNSURE;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const item = element(v[i]);
      if (item === UNSURE) return UNSURE;
      out[i] = item;
    }
    return out;
  };
}

/** Plain objects as JSON.parse makes them; anything else (class instances, null prototypes) goes to zod. */
const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function compileRecord(schema: Schema): FastParser {
  const { def } = schema._zod;
  noChecks(def);
  const key = def.keyType as Schema;
  if (key._zod.def.type !== 'string' || key._zod.def.checks?.length || key._zod.def.check || key._zod.def.coerce) {
    unsupported('record key other than z.string()');
  }
  if (def.partial || (def.mode !== undefined && def.mode !== 'strict')) unsupported('partial or loose record');
  const value = compile(def.valueType as Schema);
  return (v) => {
    if (!isPlain(v)) return UNSURE;
    const out: Record<string, unknown> = {};
    for (const k of Reflect.ownKeys(v)) {
      // zod skips __proto__ and rejects symbol keys; leave both to it.
      if (typeof k !== 'string' || k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(v, k)) return UNSURE;
      const parsed = value(v[k]);
      if (parsed === UNSURE) return UNSURE;
      out[k] = parsed;
    }
    return out;
  };
}

type Field = { key: string; parse: FastParser; optin?: 'optional' | 'defaulted'; optionalOut: boolean };

function compileObject(schema: Schema): FastParser {
  const { def } = schema._zod;
  noChecks(def);
  const shape = def.shape as Record<string, Schema>;
  if (Object.getOwnPropertySymbols(shape).length) unsupported('symbol keys');
  const fields: Field[] = Object.keys(shape).map((key) => {
    if (key === '__proto__') unsupported('__proto__ in shape');
    const field = shape[key]!;
    return { key, parse: compile(field), optin: field._zod.optin, optionalOut: field._zod.optout === 'optional' };
  });
  const known = new Set(fields.map((f) => f.key));
  const catchall = (def.catchall as Schema | undefined)?._zod.def.type;
  if (catchall !== undefined && catchall !== 'never' && catchall !== 'unknown') unsupported(`catchall ${catchall}`);

  return (v) => {
    if (!isPlain(v)) return UNSURE;
    const out: Record<string, unknown> = {};
    // zod's handlePropertyResult, for inputs that pass: an absent optional key stays absent, a
    // required one must be present, a defaulted one is filled in.
    for (const { key, parse, optin, optionalOut } of fields) {
      const present = key in v;
      if (!present && optionalOut && optin === 'optional') continue;
      const parsed = parse(v[key]);
      if (parsed === UNSURE) return UNSURE;
      if (!present && optin === undefined) return UNSURE;
      if (parsed !== undefined) out[key] = parsed;
      else if (present || (optin === 'defaulted' && !optionalOut)) out[key] = undefined;
    }
    if (catchall === undefined) return out;
    for (const key in v) {
      if (known.has(key)) continue;
      // strict: an unknown key is an error; loose: copied, except __proto__, which zod drops.
      if (catchall === 'never' || key === '__proto__') return UNSURE;
      out[key] = v[key];
    }
    return out;
  };
}
