import { actorLabel } from '../actor.js';
import type { AuditRecord } from '../audit/log.js';
import { privately, type Command } from './command.js';

const DEFAULT_ROWS = 10;
const MAX_ROWS = 50;

/** One mark per outcome, so a refusal or a failure stands out in a column of sentences. */
const MARK: Record<AuditRecord['outcome'], string> = {
  refused: '⛔',
  started: '▶️',
  succeeded: '✅',
  failed: '❌',
  duplicate: '↩️',
  busy: '⏳',
  requested: '📝',
  approved: '✅',
  denied: '⛔',
  escalated: '🔁',
  dismissed: '🔕',
  acknowledged: '👀',
  declared: '🚨',
  resolved: '✅',
  ran: '🩺',
};

/** "2026-05-03 15:13 UTC  ✅ James restarted runtime bash-runtime-mike (heartbeat back after 4.2 s) · took 4.3 s" */
export const auditLine = (r: AuditRecord): string => `${r.at.toISOString().slice(0, 16).replace('T', ' ')} UTC  ${MARK[r.outcome]} ${actorLabel(r.actor)} ${r.words}${r.durationMs === null ? '' : ` · took ${(r.durationMs / 1000).toFixed(1)} s`}`;

/** `/audit [n]`: the latest attempts, allowed or refused, privately (it names people). */
export function auditCommand(latest: (limit: number) => Promise<AuditRecord[]>): Command {
  return {
    name: 'audit',
    summary: 'the latest actions and decisions, who did them and how they ended',
    usage: [`/audit — the latest ${DEFAULT_ROWS}`, `/audit <n> — the latest n (1–${MAX_ROWS})`],
    async run(args) {
      const text = args.trim();
      // Digits only: Number() would also take '1e1' or '0x10' as counts nobody typed.
      const n = text === '' ? DEFAULT_ROWS : /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > MAX_ROWS) {
        return privately(`/audit takes a number of entries from 1 to ${MAX_ROWS}, like /audit 20; "${text}" is not one.`);
      }
      const rows = await latest(n);
      if (rows.length === 0) return privately('The audit log is empty: nobody has pressed an action button or taken a decision yet.');
      const lines = rows.map(auditLine);
      return privately([`*Audit log*, latest ${rows.length}:`, ...lines].join('\n'));
    },
  };
}
