import { describe, expect, it } from 'vitest';
import { findRecoveryAction } from '../../../src/actions/recovery/index.js';
import { gateOf } from '../../../src/auth/requirements.js';
import { catalog } from '../../../src/insights/catalog/index.js';
import type { ActionSpec, Detection, EntityKind } from '../../../src/insights/catalog/entry.js';

const ENTITY_KINDS: EntityKind[] = [
  'runtime', 'employee', 'loop', 'routine', 'mcp_server', 'provider', 'worker', 'task', 'workstream', 'breaker',
  'partner', 'agent', 'database', 'suite', 'redis', 'queue', 'credential', 'probe', 'endpoint', 'resource', 'alert',
  'intent', 'dependency',
];

/** Every button an entry can show: for detections naming one entity of each kind, and one naming all. */
function buttonsOf(entry: (typeof catalog)[number]): ActionSpec[] {
  const one = ENTITY_KINDS.map((kind): Detection => ({ scope: 'workspace', summary: 'test', entities: [{ kind, id: `${kind}-1` }], facts: {} }));
  const all: Detection = { scope: 'workspace', summary: 'test', entities: ENTITY_KINDS.map((kind) => ({ kind, id: `${kind}-2` })), facts: {} };
  return [...one, all].flatMap((d) => {
    try {
      return entry.actions(d as never);
    } catch {
      // An entry may expect facts of its own detections; the detections above are not its.
      return [];
    }
  });
}

/** A button that changes the platform: a recovery action, or one that an approval carries out. */
const fixes = (spec: ActionSpec): boolean =>
  findRecoveryAction(spec.action) !== undefined || spec.action === 'rollback_workstream' || spec.action === 'approve_budget_override';

describe('every failure kind can be fixed from its card', () => {
  it.each(catalog.map((e) => [e.kind, e] as const))('%s offers a fixing button, or says why not', (_kind, entry) => {
    const buttons = buttonsOf(entry);
    if (entry.noFixBecause === undefined) {
      expect(buttons.filter(fixes).map((b) => b.action), `${entry.kind} has no button that fixes it`).not.toEqual([]);
    } else {
      // The one allowed exception still gives on-call something to do.
      expect(buttons.map((b) => b.action)).toContain('run_doctor');
      expect(entry.runbook.some((line) => /verify/i.test(line))).toBe(true);
    }
  });

  it('allows a written reason instead only for database unreachable (its failover belongs to the database)', () => {
    expect(catalog.filter((e) => e.noFixBecause !== undefined).map((e) => e.kind)).toEqual(['database_unreachable', 'tool_failing', 'agent_budget_exceeded']);
  });

  it('asks "are you sure?" on every button whose gate is confirm', () => {
    for (const entry of catalog) {
      for (const spec of buttonsOf(entry)) {
        if (gateOf(spec.action) === 'confirm') expect(spec.confirm, `${entry.kind}: ${spec.action}`).toBeTruthy();
      }
    }
  });
});
