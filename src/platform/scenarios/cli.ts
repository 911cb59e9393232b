import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ingestTokenPath } from '../../intake/ingest-token.js';
import { err, ok, type Result } from '../../result.js';
import { findScenario, scenarios, type Scenario } from './index.js';
import { playScenario, type PlayError, type PlayOptions, type PlayProgress } from './player.js';

/** `npm run scenario -- <name> [--speed N] [--url URL]`; scripts/scenario.ts only wires process I/O to this. */
export type Env = Record<string, string | undefined>;
export type CliIo = {
  env: Env;
  out(line: string): void;
  err(line: string): void;
  readFile?: (path: string) => Promise<string>;
  /** Passed through to the player; tests use it to shorten timeouts and backoff. */
  play?: Partial<Pick<PlayOptions, 'fetch' | 'requestTimeoutMs' | 'retry' | 'sleep' | 'random'>>;
};

export type CliCommand = { kind: 'list' } | { kind: 'help' } | { kind: 'play'; scenario: Scenario; speed: number; url: string };

export const USAGE = 'usage: npm run scenario -- <name> [--speed N] [--url URL]   |   npm run scenario -- --list';

const SPEED_HINT = 'must be a number greater than 0, e.g. 1, 2 or 0.5';
export const Speed = z.coerce.number({ error: SPEED_HINT }).finite(SPEED_HINT).positive(SPEED_HINT);
export const TriageUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:3000' })
  // zod runs refinements even after the URL check failed, so an unparseable value passes here.
  .refine((u) => !URL.canParse(u) || (!new URL(u).username && !new URL(u).password), 'must not carry credentials; the token comes from INGEST_TOKEN');

/** Where Triage listens by default; a wildcard bind address is reached through loopback. */
export function defaultUrl(env: Env): string {
  const host = env.HOST && !['0.0.0.0', '::'].includes(env.HOST) ? env.HOST : '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT ?? 3000}`;
}

export function parseCliArgs(argv: string[], env: Env): Result<CliCommand, string> {
  const parsed = readArgv(argv);
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.value;
  if (values.help) return ok({ kind: 'help' });
  if (values.list) return ok({ kind: 'list' });
  if (positionals.length !== 1) return err(`name one scenario to play; choose one of: ${names()}\n${USAGE}`);
  const scenario = findScenario(positionals[0]!);
  if (!scenario) return err(`unknown scenario "${positionals[0]}"; choose one of: ${names()}`);
  const speed = Speed.safeParse(values.speed ?? '1');
  if (!speed.success) return err(`--speed ${values.speed}: ${speed.error.issues[0]?.message}`);
  const url = TriageUrl.safeParse(values.url ?? defaultUrl(env));
  if (!url.success) return err(`--url ${values.url ?? defaultUrl(env)}: ${url.error.issues[0]?.message}`);
  return ok({ kind: 'play', scenario, speed: speed.data, url: url.data });
}

const OPTIONS = {
  speed: { type: 'string' },
  url: { type: 'string' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readArgv(argv: string[]) {
  try {
    return ok(parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (e) {
    // parseArgs throws for unknown options and missing values; its message names the option.
    return err(`${(e as Error).message}\n${USAGE}`);
  }
}

const names = (): string => scenarios.map((s) => s.name).join(', ');

export const tokenPath = (env: Env): string => ingestTokenPath(env.TRIAGE_DATA_DIR || './.triage');

/** The same token Triage uses: INGEST_TOKEN, else the one it generated under its data directory. */
export async function resolveToken(env: Env, read: (path: string) => Promise<string>): Promise<Result<string, string>> {
  if (env.INGEST_TOKEN) return ok(env.INGEST_TOKEN);
  const path = tokenPath(env);
  try {
    const token = (await read(path)).trim();
    if (token) return ok(token);
  } catch {
    // Missing or unreadable: the message below says what to do either way.
  }
  return err(`no ingest token: set INGEST_TOKEN, or start Triage once (npm start) so it writes ${path}`);
}

/** Runs the command and returns the process exit code: 0 done, 1 the run failed, 2 bad arguments. */
export async function runScenarioCli(argv: string[], io: CliIo): Promise<number> {
  const command = parseCliArgs(argv, io.env);
  if (!command.ok) {
    io.err(command.error);
    return 2;
  }
  if (command.value.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command.value.kind === 'list') {
    const width = Math.max(...scenarios.map((s) => s.name.length));
    for (const s of scenarios) io.out(`${s.name.padEnd(width)}  ${s.title}`);
    return 0;
  }
  const { scenario, speed, url } = command.value;
  const token = await resolveToken(io.env, io.readFile ?? ((p) => readFile(p, 'utf8')));
  if (!token.ok) {
    io.err(token.error);
    return 1;
  }
  io.out(`Playing ${scenario.name} (${scenario.title}) to ${url} at speed ${speed}`);
  const result = await playScenario({ ...io.play, scenario, url, token: token.value, speed, onProgress: (p) => io.out(describeProgress(p)) });
  if (!result.ok) {
    io.err(describeFailure(result.error, io.env));
    return 1;
  }
  const c = result.value;
  io.out(`Done: ${c.events} events in ${c.batches} batches → ${c.accepted} accepted, ${c.duplicates} duplicates, ${c.warnings} warnings.`);
  return 0;
}

function describeProgress(p: PlayProgress): string {
  if (p.kind === 'retrying') return `  batch ${p.batch} failed (${p.reason}); retrying in ${(p.delayMs / 1000).toFixed(1)} s`;
  const at = `+${(p.atMs / 1000).toFixed(1)}s`;
  return `  ${at.padStart(7)}  batch ${p.batch}/${p.batches}: ${p.events} events → ${p.accepted} accepted, ${p.duplicates} duplicates, ${p.warnings} warnings`;
}

/** Every failure's words live here, each with what to do next. */
function describeFailure(error: PlayError, env: Env): string {
  const sent = error.sent.events ? ` (${error.sent.events} events were sent before it stopped)` : '';
  switch (error.code) {
    case 'unreachable':
      return `${error.message}${sent}.\nIs Triage running? Start it with npm start, or point --url at it.`;
    case 'rejected':
      if (error.status === 401 || error.status === 403) {
        return `${error.message}.\nThe token does not match Triage's: check INGEST_TOKEN, or ${tokenPath(env)} if you rely on the generated one.`;
      }
      return `${error.message}${sent}.`;
    default:
      return `${error.message}${sent}.`;
  }
}
