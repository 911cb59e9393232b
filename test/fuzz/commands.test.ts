import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSlashCommand } from '../../adapters/console/api.js';
import type { CommandContext } from '../../src/commands/command.js';
import { parseBudgetRequest } from '../../src/commands/budget.js';
import { parseIncidentId as parseImproveId } from '../../src/commands/improve.js';
import { parseIncidentId } from '../../src/commands/incident.js';
import { createCommands, type CommandDeps } from '../../src/commands/index.js';
import { Section } from '../../src/doctor/check.js';
import { parseSections } from '../../src/doctor/sections.js';
import type { IncidentDesk } from '../../src/incidents/desk.js';
import { err, ok } from '../../src/result.js';
import { anyText, commandArgs as args, nasty, PARSER_RUNS } from './arbitraries.js';

/**
 * What people type after a slash command, in every adapter: each command's parser answers a value
 * it can act on or words saying what was wrong, and a use case is only ever called with valid input.
 */
const MAX_USD = 1_000;
const ROUTINE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const MAX_ID = 999_999_999_999;

describe('slash-command arguments under fuzzing', () => {
  it(`/budget request: ${PARSER_RUNS} argument texts give a routine, an amount within bounds and a reason, or say what is wrong`, () => {
    fc.assert(
      fc.property(args, (text) => {
        const parsed = parseBudgetRequest(text, MAX_USD);
        if (!parsed.ok) return void expect(parsed.error.trim().length).toBeGreaterThan(10);
        expect(parsed.value.routineId).toMatch(ROUTINE);
        expect(Number.isFinite(parsed.value.amountUsd) && parsed.value.amountUsd > 0 && parsed.value.amountUsd <= MAX_USD).toBe(true);
        expect(parsed.value.reason.trim()).not.toBe('');
        expect(parsed.value.reason.length).toBeLessThanOrEqual(500);
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`/budget request: ${PARSER_RUNS} well-formed requests parse back to what was asked`, () => {
    const routine = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/);
    const cents = fc.integer({ min: 1, max: MAX_USD * 100 });
    const reason = fc.array(fc.stringMatching(/^\S{1,12}$/), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(routine, cents, fc.boolean(), reason, (routineId, c, dollar, why) => {
        const amount = `${dollar ? '$' : ''}${Math.floor(c / 100)}${c % 100 ? `.${String(c % 100).padStart(2, '0')}` : ''}`;
        expect(parseBudgetRequest(`${routineId} ${amount} ${why}`, MAX_USD)).toEqual(ok({ routineId, amountUsd: c / 100, reason: why }));
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`/incident and /improve ids: ${PARSER_RUNS} texts give a positive whole number, none, or say what is wrong; "12" and "#12" round-trip`, () => {
    fc.assert(
      fc.property(args, fc.integer({ min: 1, max: MAX_ID }), fc.boolean(), (text, n, hash) => {
        const words = text.trim().split(/\s+/).filter(Boolean);
        for (const parsed of [parseIncidentId('status', words), parseImproveId(text)]) {
          if (!parsed.ok) expect(parsed.error.trim().length).toBeGreaterThan(10);
          else if (parsed.value !== undefined) expect(Number.isSafeInteger(parsed.value) && parsed.value > 0).toBe(true);
        }
        const typed = `${hash ? '#' : ''}${n}`;
        expect(parseIncidentId('resolve', [typed])).toEqual(ok(n));
        expect(parseImproveId(` ${typed} `)).toEqual(ok(n));
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`/doctor sections: ${PARSER_RUNS} texts give known sections only, or name every unknown word`, () => {
    const aliases = ['db', 'database', 'backup', 'backups', 'recovery', 'runtimes', 'runtime', 'secrets', 'credentials', 'providers', 'llm', 'mcp', 'budget', 'triage', 'self'];
    const known = fc.array(fc.constantFrom(...aliases.flatMap((a) => [a, a.toUpperCase()])), { maxLength: 5 });
    fc.assert(
      fc.property(fc.oneof(args, known.map((w) => w.join(', '))), (text) => {
        const parsed = parseSections(text);
        if (!parsed.ok) {
          expect(parsed.error.length).toBeGreaterThan(0);
          for (const w of parsed.error) expect(text.toLowerCase()).toContain(w);
          return;
        }
        for (const s of parsed.value) expect(Section.options).toContain(s);
        expect(new Set(parsed.value).size).toBe(parsed.value.length);
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`console command line: ${PARSER_RUNS} texts split into /command and arguments, or are refused in words`, () => {
    fc.assert(
      fc.property(fc.oneof(args, fc.tuple(fc.constantFrom('/triage', '/doctor', '/', '//', '/ '), args).map(([c, a]) => `${c} ${a}`)), (text) => {
        const parsed = parseSlashCommand(text);
        if (!parsed.ok) return void expect(parsed.error.message.length).toBeGreaterThan(10);
        expect(parsed.value.command).toMatch(/^\/\S+$/);
        expect(parsed.value.args).toBe(parsed.value.args.trim());
        expect(parseSlashCommand(`${parsed.value.command} ${parsed.value.args}`)).toEqual(parsed);
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`every command: ${PARSER_RUNS} command lines are answered in words, and a use case only ever sees valid input`, async () => {
    const { deps, used } = checkingDeps();
    const commands = createCommands(deps);
    const name = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('/triage', '/doctor', '/budget', '/audit', '/incident', '/postmortem', '/improve') },
      { weight: 1, arbitrary: fc.constantFrom('/DOCTOR', 'audit', ' /incident ', '/__proto__', '/constructor', '/toString') },
      { weight: 1, arbitrary: fc.oneof(anyText, nasty) },
    );
    const verb = fc.oneof(fc.constantFrom('', 'request', 'status', 'resolve', 'timeline', 'declare', 'help'), nasty);
    const verbArgs = fc.tuple(verb, args).map(([v, a]) => `${v} ${a}`);
    await fc.assert(
      fc.asyncProperty(name, verbArgs, async (command, text) => {
        used.length = 0;
        const reply = await commands.run(command, text, ctx);
        expect(reply.text.trim().length).toBeGreaterThan(10);
        // A mistake is answered privately: only a use case that ran may speak in the channel.
        if (used.length === 0) expect(reply.visibility).toBe('private');
      }),
      { numRuns: PARSER_RUNS },
    );
  });
});

const ctx: CommandContext = { actor: { platform: 'console', userId: 'mike', name: 'Mike' }, channel: 'ops', platform: 'console' };
const validId = (id: unknown) => expect(Number.isSafeInteger(id) && (id as number) > 0 && (id as number) <= 999_999_999_999_999).toBe(true);

/** Use cases that check what they are given and answer as the real ones do when nothing matches. */
function checkingDeps(): { deps: CommandDeps; used: string[] } {
  const used: string[] = [];
  const use = (what: string) => used.push(what);
  const incident = (id: number, title: string) => ({ id, title, status: 'open', openedAt: new Date(0), resolvedAt: null });
  const desk = {
    declare: async (input: { title: string }) => {
      use('declare');
      expect(typeof input.title).toBe('string');
      return input.title.trim() ? ok(incident(7, input.title)) : err({ code: 'invalid_title', message: 'An incident needs a title.' });
    },
    status: async (id: number) => void validId(id),
    resolve: async (input: { incidentId: number }) => (validId(input.incidentId), err({ code: 'not_found', message: 'No such incident.' })),
    timeline: async (id: number) => (validId(id), []),
    current: async () => undefined,
    // "/postmortem 0" reaches the desk, which answers "There is no incident #0": worded, so allowed.
    postMinutes: async (id: number) => (validId(id + 1), err(`There is no incident #${id}.`)),
    currentOrLatest: async () => undefined,
    improve: async (id?: number) => (id === undefined || validId(id), err({ message: 'There is no incident to improve on yet.' })),
  };
  const deps: CommandDeps = {
    runDoctor: async (input) => {
      use('doctor');
      for (const s of input.sections) expect(Section.options).toContain(s);
      return { runId: 1, overall: 'HEALTHY', counts: '0 checks', results: [], plan: [], sections: input.sections, requestedBy: 'Mike', startedAt: new Date(0).toISOString(), durationMs: 1 };
    },
    requestBudget: async (input) => {
      expect(input.routineId).toMatch(ROUTINE);
      expect(input.amountUsd > 0 && input.amountUsd <= MAX_USD).toBe(true);
      return err({ message: `There is no routine ${input.routineId}; /doctor budget lists them.` });
    },
    maxOverrideUsd: MAX_USD,
    latestAudit: async (n) => {
      expect(Number.isInteger(n) && n >= 1 && n <= 50).toBe(true);
      return [];
    },
    incidents: desk as unknown as IncidentDesk,
  };
  return { deps, used };
}
