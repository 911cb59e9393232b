import fc from 'fast-check';

/**
 * Generators shared by the fuzz tests. Pure noise rarely gets past a parser's first check, so
 * most of these start from something valid and break it a little: a word dropped, a field of the
 * wrong type, a number too big, a hostile string where a name belongs.
 */

/** The function-level budget per parser, and the HTTP budget per route. */
export const PARSER_RUNS = 10_000;
export const ROUTE_RUNS = 500;

/** Strings people (or attackers) type where a name or a number belongs. */
export const NASTY = [
  '', ' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u200b', '\u202e', '\ufeff', '\u0000', '%00', '%', '%%', '%FF', '%E2%82',
  '|', '||', ':', '::', '#', '##', '$', '$$', '-', '--', '.', '..', '/', '\\', '"', "'", '`', ',', ';',
  "'; DROP TABLE events; --", "1' OR '1'='1", '<script>alert(1)</script>', '<@U0ADMIN>', '<!channel>', '@everyone',
  '${process.env.INGEST_TOKEN}', '{{7*7}}', '../../etc/passwd', 'javascript:alert(1)',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'then',
  'NaN', '-NaN', 'Infinity', '-Infinity', 'undefined', 'null', 'true', '[]', '{}',
  '0', '-0', '+0', '00', '-1', '+1', '0.0', '.5', '5.', '1e3', '1e309', '-1e309', '0x10', '0b1', '0o7', '1_000', '1,000',
  '9007199254740991', '9007199254740993', '2147483648', '-2147483649', '999999999999', '9999999999999999999999',
  '١٢', '１２', '²', 'Ⅻ', '🚀', '👩‍🚒', 'é', 'e\u0301', 'İ', 'ß', '\ud800', '\udfff',
] as const;

export const nasty = fc.constantFrom(...NASTY);

/** Numbers as people write them, and as overflow and parsers mangle them. */
export const numberish = fc.oneof(
  fc.integer().map(String),
  fc.nat({ max: 100 }).map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.tuple(fc.nat({ max: 999_999_999_999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc.nat({ max: 10_000 }).map((n) => `$${n}`),
  fc.nat({ max: 50 }).map((n) => `#${n}`),
);

/** Any text: ASCII, any unicode (lone surrogates included), and the hostile constants. */
export const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', '|', '%', ':'), maxLength: 10 }) },
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: numberish },
  { weight: 1, arbitrary: fc.nat({ max: 5000 }).map((n) => 'x'.repeat(n)) },
);

/** Whitespace as `split(/\s+/)` sees it: spaces, tabs, newlines and unicode spaces. */
const gap = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000', ' \r\n ');

/** Words glued by any whitespace: what follows a slash command. */
export function wordsOf(word: fc.Arbitrary<string>, maxWords = 5): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(word, gap), { maxLength: maxWords })
    .chain((parts) => gap.map((lead) => lead + parts.map(([w, g]) => w + g).join('')));
}

/** What follows a slash command: words of every kind, any text, and real command lines slightly broken. */
export const commandArgs: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: wordsOf(fc.oneof(anyText, numberish, fc.constantFrom('request', 'help', 'status', 'resolve', 'timeline', 'declare', 'db', 'mcp', 'self', 'daily-code-review', '5', '$5.00', '#12'))) },
  { weight: 2, arbitrary: anyText },
  { weight: 3, arbitrary: fc.constantFrom('request daily-code-review 5 retry storm', 'status 12', '#12', 'declare Jira is down', 'mcp, runtimes', '20', 'help').chain((t) => mutated(t)) },
);

/** A valid string with one small change: a character dropped or replaced, hostile text inserted, truncated, cased, doubled. */
export function mutated(valid: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: valid.length });
  return fc.oneof(
    at.map((i) => valid.slice(0, i) + valid.slice(i + 1)),
    fc.tuple(at, anyText).map(([i, t]) => valid.slice(0, i) + t + valid.slice(i)),
    fc.tuple(at, anyText).map(([i, t]) => valid.slice(0, i) + t + valid.slice(i + 1)),
    at.map((i) => valid.slice(0, i)),
    fc.constant(valid.toUpperCase()),
    fc.constant(valid + valid),
    fc.constant(` ${valid} `),
  );
}

type Path = Array<string | number>;

/** Every path into a JSON value, the root included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const own: Path[] = [prefix];
  if (Array.isArray(value)) return own.concat(value.flatMap((v, i) => pathsOf(v, [...prefix, i])));
  if (value !== null && typeof value === 'object') return own.concat(Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k])));
  return own;
}

type Edit = { path: Path; op: 'delete' | 'replace' | 'add' | 'wrap'; value: unknown; key: string };

function applyEdit(root: unknown, edit: Edit): unknown {
  if (edit.path.length === 0) return edit.op === 'wrap' ? [root] : edit.op === 'replace' ? edit.value : root;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const step of edit.path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = edit.path.at(-1)!;
  if (edit.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (edit.op === 'replace') parent[last] = edit.value;
  else if (edit.op === 'wrap') parent[last] = [parent[last]];
  else if (!Array.isArray(parent)) parent[edit.key] = edit.value;
  return copy;
}

/** Values that break types: wrong kinds, huge numbers, hostile strings, nested junk. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  anyText,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, [], {}, [[]], { '': '' }),
);

/** A valid JSON document with one to three edits: a field dropped, retyped, wrapped in a list, or an extra key. */
export function mutatedJson(valid: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  const edit = fc.record({
    path: fc.constantFrom(...paths),
    op: fc.constantFrom<Edit['op']>('delete', 'replace', 'replace', 'add', 'wrap'),
    value: wrongValue,
    key: fc.oneof(fc.string({ maxLength: 10 }), nasty),
  });
  // Edits are planned against the original's paths; one whose path a previous edit removed is skipped.
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) =>
    edits.reduce<unknown>((doc, e) => {
      try {
        return applyEdit(doc, e);
      } catch {
        return doc;
      }
    }, valid),
  );
}

/** Any JSON value at all, and JSON with `__proto__` keys, which JSON.parse keeps as own properties. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.object({ maxDepth: 2, values: [fc.jsonValue({ maxDepth: 1 })] }),
  fc.constant(JSON.parse('{"__proto__":{"type":2},"type":1}') as unknown),
);

/** Bodies as a client may send them: near-valid JSON, any JSON, and text that is not JSON at all. */
export function bodyNear(valid: unknown): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: mutatedJson(valid).map((v) => JSON.stringify(v) ?? '') },
    { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: mutated(JSON.stringify(valid)) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('', '{', '[', 'null', '{"a":', '\u0000', 'true')) },
  );
}

/** Header values a client can actually send (no CR/LF; fetch refuses those before the wire). */
export const headerText = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.constantFrom('', ' ', '0', '-1', '1e3', 'NaN', 'v0=', 'v1=abc', 'Bearer', 'Bearer ', 'null'),
);
