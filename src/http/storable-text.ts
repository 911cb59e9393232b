/**
 * Text PostgreSQL cannot store: a NUL character (in text or jsonb) or an unpaired UTF-16
 * surrogate (in jsonb). JSON carries both as escapes (`\u0000`, `\ud800`) and forms as `%00`; no
 * platform sends them, so they are refused at the edge as bad input (docs/architecture.md, "At
 * the edges"). Let through, one such string failed its INSERT, and with it every request whose
 * rows were batched into the same statement, answered "retry later" for ever.
 */
// In unicode mode a surrogate pair is one code point, so \p{Cs} matches only an unpaired half.
const UNSTORABLE = /\u0000|\p{Cs}/u;
/** The JSON escapes that can make such a string: a body without any needs no walk. */
const ESCAPES = /\\u(?:0000|d[89a-f])/i;

export const unstorableChar = (text: string): boolean => UNSTORABLE.test(text);

/**
 * Where the first key or string value that cannot be stored is (`events.0.attributes.note`, or
 * `(body)`); undefined when everything can. Walks with a stack: JSON may nest deeper than the call stack.
 */
export function unstorableAt(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item)) return shown(path || '(body)');
    } else if (Array.isArray(item)) {
      item.forEach((v, i) => stack.push([v, path ? `${path}.${i}` : String(i)]));
    } else if (item !== null && typeof item === 'object') {
      for (const [k, v] of Object.entries(item)) {
        if (UNSTORABLE.test(k)) return shown(`a key in ${path || '(body)'}`);
        stack.push([v, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}

const shown = (path: string): string => (path.length > 200 ? `${path.slice(0, 197)}...` : path);

/** For JSON text and its parsed value: the scan of the text is cheap, the walk runs only when it finds an escape. */
export function unstorableInJson(text: string, value: unknown): string | undefined {
  return ESCAPES.test(text) ? unstorableAt(value) : undefined;
}

export const UNSTORABLE_REASON = 'holds a NUL character or an unpaired UTF-16 surrogate (\\u0000, \\ud800…), which Triage cannot store';
