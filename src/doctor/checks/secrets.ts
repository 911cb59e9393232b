import type { Database } from '../../db/client.js';
import { plural } from '../../insights/catalog/helpers.js';
import { err, ok, type Result } from '../../result.js';
import type { DoctorAction, DoctorCheck, Finding } from '../check.js';
import { CONFIG_LINES, unconfigured } from './unconfigured.js';
import { judgeExpiry, latestExpiries, type CredentialExpiry } from './secrets-expiry.js';

/** Asks a chat platform whether its token still works (Slack: auth.test); ok carries who it is. */
export type ChatProbe = { name: string; probe(signal: AbortSignal): Promise<Result<string, string>> };

export type SecretsCheckDeps = {
  /** Names of secrets that must be set; only names ever reach the report. */
  required: string[];
  present: ReadonlySet<string>;
  database: Database;
  warnDays: number;
  chatProbes: ChatProbe[];
  now?: () => number;
};

type Problem = { status: 'fail' | 'warning'; line: string };
type ProbeOutcome = { problem?: Problem; info?: string };

async function runProbe({ name, probe }: ChatProbe, signal: AbortSignal): Promise<ProbeOutcome> {
  try {
    const result = await probe(signal);
    if (result.ok) return { info: `${name} valid (${result.value})` };
    // No rotate step: the probe's error (revoked, no answer in time...) says what to do better than we can.
    return { problem: { status: 'fail', line: `${name} rejected: ${result.error}` } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: { status: 'fail', line: `${name} could not be checked: ${reason}` } };
  }
}

/** The database being down is the database check's FAIL; here it only hides expiry dates. */
async function readExpiries(database: Database): Promise<Result<CredentialExpiry[], string>> {
  try {
    return ok(await latestExpiries(database));
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
}

function actionsFor(missing: string[], rotate: string[]): DoctorAction[] {
  return [
    ...(missing.length ? [{ kind: 'credential_expiring', text: `Set ${missing.join(', ')}`, buttons: [] }] : []),
    ...(rotate.length ? [{ kind: 'credential_expiring', text: `Rotate ${rotate.join(', ')}`, buttons: [] }] : []),
  ];
}

function findingOf(problems: Problem[], info: string[], passSummary: string, actions: DoctorAction[]): Finding {
  if (!problems.length) return { status: 'pass', summary: passSummary, details: info, actions };
  const status = problems.some((p) => p.status === 'fail') ? 'fail' : 'warning';
  // Failures first: the summary line is the worst thing wrong, or a count when there are several.
  const ordered = [...problems.filter((p) => p.status === 'fail'), ...problems.filter((p) => p.status === 'warning')];
  const [only] = ordered;
  if (ordered.length === 1 && only) return { status, summary: only.line, details: info, actions };
  return { status, summary: plural(ordered.length, 'problem'), details: [...ordered.map((p) => p.line), ...info], actions };
}

/**
 * Secrets: required secrets set (names only, never values), credentials expiring according to the
 * platform's `credential.expiry` events, and each chat token accepted by its platform.
 */
export function secretsCheck(deps: SecretsCheckDeps): DoctorCheck {
  return {
    section: 'secrets',
    name: 'Secrets',
    async run(ctx): Promise<Finding> {
      const now = deps.now?.() ?? ctx.now.getTime();
      const missing = deps.required.filter((name) => !deps.present.has(name));
      const [expiries, probes] = await Promise.all([
        readExpiries(deps.database),
        Promise.all(deps.chatProbes.map((p) => runProbe(p, ctx.signal))),
      ]);
      const verdicts = expiries.ok ? expiries.value.flatMap((e) => judgeExpiry(e, now, deps.warnDays) ?? []) : [];
      // Nothing required, no chat token, no expiry reported: a PASS here would vouch for nothing.
      if (!deps.required.length && !deps.chatProbes.length && expiries.ok && !expiries.value.length) {
        return unconfigured('required secrets', CONFIG_LINES.requiredSecrets);
      }

      const problems: Problem[] = [
        ...(missing.length ? [{ status: 'fail' as const, line: `missing: ${missing.join(', ')}` }] : []),
        ...(expiries.ok ? [] : [{ status: 'fail' as const, line: `credential expiry unknown: ${expiries.error}` }]),
        ...verdicts,
        ...probes.flatMap((p) => p.problem ?? []),
      ];
      const rotate = verdicts.map((v) => v.credential);
      const info = probes.flatMap((p) => p.info ?? []);
      const present = deps.required.length - missing.length;
      const passSummary = deps.required.length ? `${plural(present, 'required secret')} present` : 'no required secrets configured';
      return findingOf(problems, info, passSummary, actionsFor(missing, rotate));
    },
  };
}
