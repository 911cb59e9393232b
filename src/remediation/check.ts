import { findRecoveryAction } from '../actions/recovery/index.js';
import { gateOf, knownActions } from '../auth/requirements.js';
import type { Detection, Entity, EntityKind } from '../insights/catalog/entry.js';
import { catalog, findEntry } from '../insights/catalog/index.js';

/** The one thing a policy names that config can check before anything runs. */
export type PolicyNames = { name: string; kind: string; action: string };

const ENTITY_KINDS: readonly EntityKind[] = [
  'runtime', 'employee', 'loop', 'routine', 'mcp_server', 'provider', 'worker', 'task', 'workstream', 'breaker', 'partner', 'agent',
  'database', 'suite', 'redis', 'queue', 'credential', 'probe', 'endpoint', 'resource', 'alert', 'intent', 'dependency',
];

/**
 * The actions a kind's card can offer. A card's buttons are a function of what was detected, so
 * the entry is asked with a detection naming one entity of every kind: the buttons it draws for
 * that are the ones it draws for some real detection (an entry that offers an action only for
 * some facts is not found here, and a policy naming it is refused rather than never running).
 */
export function offeredActions(kind: string): string[] {
  const entry = findEntry(kind);
  if (!entry) return [];
  const entities: Entity[] = ENTITY_KINDS.map((k) => ({ kind: k, id: `probe-${k}` }));
  const probe: Detection = { scope: 'probe', summary: '', entities, facts: {} };
  try {
    return [...new Set(entry.actions(probe).map((spec) => spec.action))];
  } catch {
    return [];
  }
}

/**
 * Why a policy cannot run by itself, or nothing: it must name a failure kind, a recovery action
 * that kind's card offers, and one whose gate lets it run without a person (src/auth/requirements.ts):
 * 'none' or 'confirm' (the config is the confirmation), never 'approval', which exists so that a
 * second person decides.
 */
export function policyProblem(policy: PolicyNames): { field: 'kind' | 'action'; message: string } | undefined {
  if (!findEntry(policy.kind)) return { field: 'kind', message: `"${policy.kind}" is not a failure kind; known kinds: ${catalog.map((e) => e.kind).join(', ')}` };
  if (!(knownActions as readonly string[]).includes(policy.action)) return { field: 'action', message: `"${policy.action}" is not an action Triage knows` };
  const gate = gateOf(policy.action);
  if (gate === 'approval') {
    const why = 'it is irreversible or changes spend, so a person approves each run and no policy may run it';
    return { field: 'action', message: `"${policy.action}" is gated by an approval (src/auth/requirements.ts): ${why}` };
  }
  const offered = offeredActions(policy.kind);
  if (!offered.includes(policy.action) || !findRecoveryAction(policy.action) || gate === undefined) {
    const fixes = offered.filter((a) => findRecoveryAction(a) && gateOf(a) !== 'approval');
    const choices = fixes.length ? `it offers ${fixes.map((a) => `"${a}"`).join(', ')}` : 'it offers no action a policy may run';
    return { field: 'action', message: `the "${policy.kind}" card does not offer "${policy.action}" as a recovery action; ${choices}` };
  }
  return undefined;
}
