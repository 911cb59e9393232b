import fc from 'fast-check';

/*
 * Shared arbitraries for the alert parsers' fuzz tests: random JSON, and valid payloads with a few
 * fields deleted or replaced by hostile values (wrong types, blanks, over-long text, NUL and
 * unpaired surrogates, timestamps a Date cannot print in four digits).
 */
const DELETE = Symbol('delete');
type Path = ReadonlyArray<string | number>;

const hostile = fc.oneof(
  fc.constant(DELETE),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.constantFrom(
    '', ' ', null, 0, -1, 1.5, true, [], {}, 'trigger', 'acknowledge', 'resolve', 'CRITICAL', 'page', 'info',
    'https://x.example/a', 'javascript:alert(1)', 'http://', '2026-05-03T14:32:00Z', '2015-07-17T08:42:58.315+0000',
    '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z', '0001-01-01T00:00:00Z', 'x'.repeat(1025), 'y'.repeat(300), 'a\u0000b', '\ud800',
  ),
);

function setAt(target: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value === DELETE ? undefined : value;
  const [head, ...rest] = path;
  const copy: unknown = target !== null && typeof target === 'object' ? (Array.isArray(target) ? [...target] : { ...target }) : typeof head === 'number' ? [] : {};
  const container = copy as Record<string | number, unknown>;
  const next = setAt(container[head!], rest, value);
  if (next === undefined && rest.length === 0) delete container[head!];
  else container[head!] = next;
  return container;
}

/** `valid` with 1-4 of `paths` deleted or replaced. */
export function mutationsOf(valid: object, paths: Path[]): fc.Arbitrary<unknown> {
  return fc
    .array(fc.tuple(fc.constantFrom(...paths), hostile), { minLength: 1, maxLength: 4 })
    .map((changes) => changes.reduce<unknown>((body, [path, value]) => setAt(body, path, value), structuredClone(valid)));
}

/** Random JSON, valid payloads, and mutations of them, in about equal measure. */
export function bodies(valid: object[], paths: Path[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.dictionary(fc.constantFrom(...new Set(paths.map((p) => String(p[0])))), fc.jsonValue({ maxDepth: 3 })),
    fc.constantFrom(...valid),
    ...valid.map((v) => mutationsOf(v, paths)),
  );
}
