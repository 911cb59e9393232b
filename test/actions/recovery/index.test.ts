import { describe, expect, it } from 'vitest';
import { findRecoveryAction, NOT_RECOVERY_ACTIONS, recoveryActions } from '../../../src/actions/recovery/index.js';
import { catalog } from '../../../src/insights/catalog/index.js';
import type { ActionSpec, Detection, EntityKind } from '../../../src/insights/catalog/entry.js';

const ENTITY_KINDS: EntityKind[] = [
  'runtime', 'employee', 'loop', 'routine', 'mcp_server', 'provider', 'worker', 'task', 'workstream', 'breaker',
  'partner', 'agent', 'database', 'suite', 'redis', 'queue', 'credential', 'probe', 'endpoint', 'resource', 'alert',
  'intent', 'dependency',
];

/**
 * Detections naming one entity of one kind each: entries that map every entity to a button
 * expect detections of their own kind only, so each kind is offered to each entry separately.
 */
const detections: Detection[] = ENTITY_KINDS.map((kind) => ({ scope: 'workspace', summary: 'test', entities: [{ kind, id: `${kind}-1` }], facts: {} }));

const buttons: Array<{ entry: string; spec: ActionSpec }> = catalog.flatMap((entry) =>
  detections.flatMap((d) => entry.actions(d).map((spec) => ({ entry: entry.kind, spec }))),
);
const excluded = new Set<string>(NOT_RECOVERY_ACTIONS);

describe('recovery action registry', () => {
  it('has a working action behind every recovery button the catalog can show, aimed at the right kind of target', () => {
    const recovery = buttons.filter((b) => !excluded.has(b.spec.action));
    // Every action the registry has is offered somewhere (test/insights/catalog/every-kind-has-a-fix.test.ts
    // checks the other way round: every kind offers one).
    expect(new Set(recovery.map((b) => b.spec.action))).toEqual(new Set(recoveryActions.keys()));
    for (const { entry, spec } of recovery) expect(findRecoveryAction(spec.action), `${entry}: ${spec.action}`).toBeDefined();
    // Every entry offering a recovery button offers it for the kind of target the action acts on.
    const offered = new Set(recovery.map((b) => `${b.entry}/${b.spec.action}`));
    for (const key of offered) {
      const [entry, kind] = key.split('/');
      const targets = recovery.filter((b) => b.entry === entry && b.spec.action === kind).map((b) => b.spec.target?.kind);
      expect(targets, key).toContain(findRecoveryAction(kind!)?.targetKind);
    }
  });

  it('names each action by its own kind and shows a progress text', () => {
    for (const [kind, action] of recoveryActions) {
      expect(action.kind).toBe(kind);
      expect(action.progress).toMatch(/…$/);
    }
    expect(findRecoveryAction('dismiss')).toBeUndefined();
    expect(findRecoveryAction('approve_budget_override')).toBeUndefined();
  });

  it('gives every action a deadline the watchdog can wait for', () => {
    const deps = { platform: {} as never, now: Date.now, heartbeatTimeoutMs: 60_000, platformCallMs: 10_000 };
    for (const action of recoveryActions.values()) expect(action.deadlineMs(deps)).toBeGreaterThanOrEqual(10_000);
    expect(findRecoveryAction('restart_runtime')!.deadlineMs(deps)).toBeGreaterThan(60_000);
  });
});
