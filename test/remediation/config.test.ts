import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { offeredActions } from '../../src/remediation/check.js';

const dir = mkdtempSync(join(tmpdir(), 'triage-remediation-config-'));
const load = (name: string, yaml: string) => {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return loadConfig({ TRIAGE_CONFIG: path });
};

/** triage.config.yml's `remediation:` section (README, "Remediation policies"). */
describe('the remediation section of the config', () => {
  it('is off by default, with the restart bound on (3 restarts in 30 minutes)', () => {
    const config = load('none.yml', '');
    expect(config.ok && config.value.remediation).toEqual({ policies: [], restartBound: { maxRuns: 3, windowMinutes: 30 } });
  });

  it('takes a policy naming a safe action its kind offers, with the bound and the facts it runs for', () => {
    const config = load(
      'ok.yml',
      [
        'remediation:',
        '  restartBound: { maxRuns: 4, windowMinutes: 60 }',
        '  policies:',
        '    - name: restart-oom-runtimes',
        '      kind: runtime_unreachable',
        '      when: { oom: true }',
        '      action: restart_runtime',
        '      maxRuns: 2',
        '      windowMinutes: 30',
        '    - { name: replay-dead-letters, kind: dead_letter_growing, action: replay_dead_letters, maxRuns: 1, windowMinutes: 60 }',
      ].join('\n'),
    );
    expect(config.ok && config.value.remediation).toEqual({
      restartBound: { maxRuns: 4, windowMinutes: 60 },
      policies: [
        { name: 'restart-oom-runtimes', kind: 'runtime_unreachable', when: { oom: true }, action: 'restart_runtime', maxRuns: 2, windowMinutes: 30 },
        // Gated by 'confirm': the config is the confirmation.
        { name: 'replay-dead-letters', kind: 'dead_letter_growing', when: {}, action: 'replay_dead_letters', maxRuns: 1, windowMinutes: 60 },
      ],
    });
  });

  it('refuses, with the reason, an approval-gated action, an action the card does not offer, an unknown kind or action, and two policies on one kind', () => {
    const config = load(
      'bad.yml',
      [
        'remediation:',
        '  policies:',
        '    - { name: force-workers, kind: worker_unresponsive, action: force_restart_worker }',
        '    - { name: wrong-card, kind: loops_stuck, action: restart_runtime }',
        '    - { name: no-kind, kind: runtime_down, action: restart_runtime }',
        '    - { name: typo, kind: mcp_server_failing, action: restart_mcp }',
        '    - { name: again, kind: worker_unresponsive, action: restart_worker }',
        '    - { name: Bad_Name, kind: breaker_open, action: reset_breaker, maxRuns: 0 }',
      ].join('\n'),
    );
    expect(config.ok).toBe(false);
    const problems = config.ok ? [] : config.error.problems;
    expect(problems).toEqual([
      expect.stringMatching(/remediation\.policies\.5\.name: a name like restart-oom-runtimes \(lower-case letters, digits and -, at most 48\); found "Bad_Name"$/),
      expect.stringMatching(/remediation\.policies\.5\.maxRuns: .*; found 0$/),
      expect.stringMatching(/bad\.yml: remediation\.policies\.0\.action: policy "force-workers": "force_restart_worker" is gated by an approval \(src\/auth\/requirements\.ts\): it is irreversible or changes spend, so a person approves each run and no policy may run it; found "force_restart_worker"$/),
      expect.stringMatching(/remediation\.policies\.1\.action: policy "wrong-card": the "loops_stuck" card does not offer "restart_runtime" as a recovery action; it offers "cancel_loop"; found "restart_runtime"$/),
      expect.stringMatching(/remediation\.policies\.2\.kind: policy "no-kind": "runtime_down" is not a failure kind; known kinds: runtime_execution_failures, /),
      expect.stringMatching(/remediation\.policies\.3\.action: policy "typo": "restart_mcp" is not an action Triage knows; found "restart_mcp"$/),
      expect.stringMatching(/remediation\.policies\.4\.kind: policy "again": policy "force-workers" already acts on worker_unresponsive; one policy per kind; found "worker_unresponsive"$/),
    ]);
  });

  it("finds the actions a kind's card offers from the catalog itself", () => {
    expect(offeredActions('runtime_unreachable')).toEqual(['restart_runtime', 'dismiss']);
    expect(offeredActions('worker_unresponsive')).toEqual(['restart_worker', 'force_restart_worker', 'dismiss']);
    expect(offeredActions('no_such_kind')).toEqual([]);
  });
});
