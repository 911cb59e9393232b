import { SECRET_ENV_NAMES } from '../../src/config.js';

/** A secret a test configured, by the name it must be reported under (never its value). */
export type Secret = { name: string; value: string };

/** Too short to be a real secret, and likely to occur in ordinary text ("abc", "secret"). */
const MIN_SECRET_CHARS = 8;

/**
 * Shapes of secrets whatever their source: Slack bot, user and app tokens, OpenAI/Anthropic-style
 * keys, GitHub tokens, and a URL with a password in it.
 */
const SHAPES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'a Slack token', pattern: /\bxox[abpr]-[A-Za-z0-9-]{10,}/ },
  { name: 'a Slack app token', pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/ },
  { name: 'an LLM API key', pattern: /\bsk-(?:ant-)?[A-Za-z0-9_-]{20,}/ },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/ },
  { name: 'a password in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:(?!\*\*\*@|\[redacted\]@)[^\s:/@"']+@/i },
];

/** The secrets in an environment: the secret variables' values, and the password of any URL. */
export function secretsOf(env: Record<string, string | undefined>): Secret[] {
  const secrets: Secret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    const url = asUrl(value);
    // A URL's secret is its password (Triage prints DATABASE_URL without it), or its path where
    // the path is the token (a healthchecks-style ping URL, of which Triage prints the host only).
    if (url?.password && decodeURIComponent(url.password).length >= 4) secrets.push({ name: `${name}'s password`, value: decodeURIComponent(url.password) });
    if (url && PATH_IS_TOKEN.has(name) && url.pathname.length >= MIN_SECRET_CHARS) secrets.push({ name: `${name}'s path`, value: url.pathname });
    if (!url && SECRET_ENV_NAMES.includes(name) && value.length >= MIN_SECRET_CHARS) secrets.push({ name, value });
  }
  return secrets;
}

/** What leaked into `text`, by name: a configured secret's value or any secret-shaped string. */
export function findLeaks(text: string, secrets: readonly Secret[] = []): string[] {
  const leaks = secrets.filter((s) => text.includes(s.value)).map((s) => s.name);
  for (const shape of SHAPES) if (shape.pattern.test(text)) leaks.push(shape.name);
  return [...new Set(leaks)];
}

/** Environment variables holding a URL whose path is the secret. */
const PATH_IS_TOKEN = new Set(['HEARTBEAT_URL']);

function asUrl(value: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

type Watched = { source: string; secrets: Secret[]; output: () => string };
const watched: Watched[] = [];

/** A process's output, to be scanned for its own environment's secrets when its test file ends. */
export function watchOutput(source: string, env: Record<string, string | undefined>, output: () => string): void {
  watched.push({ source, secrets: secretsOf(env), output });
}

/** Leaks in every watched output since the last call, as "<source>: <names>"; forgets them. */
export function drainLeaks(): string[] {
  const found = watched.flatMap((w) => {
    const leaks = findLeaks(w.output(), w.secrets);
    return leaks.length ? [`${w.source}: ${leaks.join(', ')}`] : [];
  });
  watched.length = 0;
  return found;
}
