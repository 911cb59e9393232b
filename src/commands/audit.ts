import { actorLabel } from '../actor.js';
import type { AuditRecord } from '../audit/log.js';
import { privately, type Command } from './command.js';

const DEFAULT_ROWS = 10;
const MAX_ROWS = 50;

const OUTCOME: Record<AuditRecord['outcome'], string> = {
  refused: '⛔ refused',
  started: '▶️ started',
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  duplicate: '↩️ duplicate click',
  busy: '⏳ already running',
  requested: '📝 requested',
  approved: '✅ approved',
  denied: '⛔ denied',
};

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
      if (rows.length === 0) return privately('The audit log is empty: nobody has pressed an action button yet.');
      const lines = rows.map(
        (r) =>
          `${r.at.toISOString().slice(0, 16).replace('T', ' ')} UTC  ${actorLabel(r.actor)}  ${r.action.replace(/_/g, ' ')} ${r.target}  ${OUTCOME[r.outcome]}` +
          `${r.durationMs === null ? '' : ` (${(r.durationMs / 1000).toFixed(1)} s)`}${r.detail ? ` — ${r.detail}` : ''}`,
      );
      return privately([`*Audit log*, latest ${rows.length}:`, ...lines].join('\n'));
    },
  };
}
