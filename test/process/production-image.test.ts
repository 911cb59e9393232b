import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { createEmptyPostgresDatabase, realPostgresUrl } from '../support/databases.js';
import { freePort } from '../support/process.js';
import { watchOutput } from '../support/secret-scan.js';

/**
 * What the Dockerfile's runtime stage does, done without a Docker engine: its COPY lines (read
 * from the Dockerfile, so this follows it) into an empty directory, its `npm ci` (production
 * dependencies only), the build stage's dist/ (built here with tsconfig.build.json, as
 * `npm run build` does), then its CMD with its ENV. Fails when a runtime import lives in
 * devDependencies or the Dockerfile forgets a file read at run time (migrations, the console).
 */

type Instruction = { keyword: string; args: string };
type Stage = { name?: string; instructions: Instruction[] };

const root = packageRoot();

/** The Dockerfile as stages of instructions: comments dropped, continuation lines joined. */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line)!;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const as = /\bAS\s+(\S+)\s*$/i.exec(args);
      stages.push({ ...(as ? { name: as[1]! } : {}), instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

const all = (stage: Stage, keyword: string): string[] => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const last = (stage: Stage, keyword: string): string | undefined => all(stage, keyword).at(-1);

/** `KEY=value KEY2="value 2"` of ENV lines. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of all(stage, 'ENV')) {
    for (const m of args.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) env[m[1]!] = m[3] ?? m[2]!;
  }
  return env;
}

type Copy = { from?: string; sources: string[]; dest: string };

function copiesOf(stage: Stage): Copy[] {
  return all(stage, 'COPY').map((args) => {
    const words = args.split(/\s+/);
    const flags = words.filter((w) => w.startsWith('--'));
    const paths = words.filter((w) => !w.startsWith('--'));
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1)! };
  });
}

const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const runtime = stages.at(-1)!;
const build = stages.find((s) => s.name !== undefined && copiesOf(runtime).some((c) => c.from === s.name));

function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${[file, ...args].join(' ')}: ${error.killed ? `timed out after ${options.timeoutMs} ms` : error.message}\n${stdout}${stderr}`)) : resolve(),
    );
  });
}

describe('the Dockerfile', () => {
  it('has a build stage and a runtime stage that runs as a non-root user with a HEALTHCHECK on /readyz', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build, 'the runtime stage copies dist/ from a named build stage').toBeDefined();
    const user = last(runtime, 'USER');
    expect(user, 'the runtime stage sets USER').toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(last(runtime, 'HEALTHCHECK')).toMatch(/CMD .*\/readyz/);
    expect(all(runtime, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r)), 'production dependencies only').toBe(true);
    const env = envOf(runtime);
    expect(env.NODE_ENV).toBe('production');
    expect(env.HOST).toBe('0.0.0.0');
    expect(all(runtime, 'EXPOSE')).toContain(env.PORT);
    // USER comes after every RUN that needs root (npm ci, the data directory's chown).
    const userAt = runtime.instructions.findIndex((i) => i.keyword === 'USER');
    expect(runtime.instructions.slice(userAt).some((i) => i.keyword === 'RUN')).toBe(false);
  });
});

describe('the runtime stage, done outside Docker', () => {
  let app = '';
  let work = '';
  const env = envOf(runtime);
  const cmd = JSON.parse(last(runtime, 'CMD') ?? '[]') as string[];
  const workdir = last(runtime, 'WORKDIR') ?? '/';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'triage-image-'));
    // Node looks for packages in every parent's node_modules: one there would hide a missing one.
    for (let dir = work; dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dirname(dir), 'node_modules')), `${dirname(dir)}/node_modules exists`).toBe(false);
    }
    app = join(work, 'app');
    mkdirSync(app);
    const builtDist = join(work, 'build', 'dist');
    const buildWorkdir = (build && last(build, 'WORKDIR')) ?? '/';

    for (const copy of copiesOf(runtime)) {
      const dest = join(app, posix.relative(workdir, posix.resolve(workdir, copy.dest)));
      for (const source of copy.sources) {
        const target = copy.dest.endsWith('/') ? join(dest, posix.basename(source)) : dest;
        if (copy.from !== undefined) {
          // The build stage's only output this test knows how to make: its WORKDIR's dist/.
          expect(copy.from).toBe(build?.name);
          expect(posix.resolve(buildWorkdir, source), 'a file copied from the build stage').toBe(posix.resolve(buildWorkdir, 'dist'));
          // A type error is the typecheck's to report (tsc still emits): this test is about what runs.
          await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', builtDist], {
            cwd: root,
            env: { PATH: process.env.PATH ?? '' },
            timeoutMs: 180_000,
          }).catch((error: unknown) => {
            if (!existsSync(join(builtDist, 'src', 'main.js')) || !/error TS\d+/.test(String(error))) throw error;
          });
          cpSync(builtDist, target, { recursive: true });
        } else {
          expect(existsSync(join(root, source)), `COPY ${source}: not in the repository`).toBe(true);
          cpSync(join(root, source), target, { recursive: true });
        }
      }
    }

    // The runtime stage's `npm ci …`, with its flags, in the copy.
    const install = all(runtime, 'RUN')
      .flatMap((r) => r.split('&&'))
      .map((c) => c.trim())
      .find((c) => c.startsWith('npm ci'));
    expect(install).toBeDefined();
    // The machine's npm settings (registry, cache) as they are; not the variables of an outer `npm test`.
    const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(package|lifecycle)_/i.test(name)));
    await run('npm', install!.split(/\s+/).slice(1), { cwd: app, env: { ...npmEnv, NODE_ENV: env.NODE_ENV }, timeoutMs: 120_000 });
    expect(existsSync(join(app, 'node_modules', 'typescript')), 'devDependencies were installed').toBe(false);
    // The same RUN then applies the driver guard by name (scripts stay off for npm ci).
    const patches = all(runtime, 'RUN')
      .flatMap((r) => r.split('&&'))
      .map((c) => c.trim())
      .filter((c) => c.startsWith('node scripts/'));
    for (const step of patches) await run(process.execPath, step.split(/\s+/).slice(1), { cwd: app, env: { PATH: process.env.PATH ?? '' }, timeoutMs: 30_000 });
    expect(readFileSync(join(app, 'node_modules', 'postgres', 'src', 'connection.js'), 'utf8'), 'the driver guard is applied in the image').toContain('scripts/patch-postgres.mjs');
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The image's CMD with its ENV, on loopback and a free port; resolves once /readyz answered 200. */
  async function start(extra: Record<string, string>) {
    expect(cmd[0]).toBe('node');
    const port = await freePort();
    const child = spawn(process.execPath, cmd.slice(1), {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', ...env, HOST: '127.0.0.1', PORT: String(port), TRIAGE_DATA_DIR: join(work, 'data'), LOG_LEVEL: 'warn', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    watchOutput('the production image', { ...env, ...extra }, () => output);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    let ready = 0;
    while (Date.now() < deadline && !gone && ready !== 200) {
      ready = await fetch(url + '/readyz', { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    return { url, ready, output: () => output, exited, stop: () => child.kill('SIGTERM') };
  }

  async function exercise(extra: Record<string, string>) {
    const token = randomBytes(24).toString('hex');
    const triage = await start({ INGEST_TOKEN: token, ...extra });
    try {
      expect(triage.ready, triage.output()).toBe(200);
      const posted = await fetch(triage.url + '/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ events: [{ id: 'image-1', type: 'runtime.heartbeat', source: 'image', occurredAt: '2026-05-03T14:30:00Z', attributes: { runtime: 'r', intervalSeconds: 30 } }] }),
      });
      expect(posted.status, triage.output()).toBe(202);
      // The console's page is read from the package root at run time.
      const page = await fetch(triage.url + '/');
      expect(page.status, triage.output()).toBe(200);
      expect(await page.text()).toContain('<html');
    } finally {
      triage.stop();
      expect(await triage.exited, triage.output()).toBe(0);
    }
  }

  it('starts on the embedded default (PGlite in the data directory): /readyz 200, an event 202, the console page', async () => {
    await exercise({});
  }, 90_000);

  describe.runIf(realPostgresUrl())('on PostgreSQL', () => {
    let drop: (() => Promise<void>) | undefined;
    afterAll(async () => drop?.());

    it('migrates a fresh database and answers /readyz 200, an event 202', async () => {
      const db = await createEmptyPostgresDatabase();
      drop = db.drop;
      await exercise({ DATABASE_URL: db.url });
    }, 90_000);
  });
});
