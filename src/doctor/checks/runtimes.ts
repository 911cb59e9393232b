import { MINUTE, plural, words } from '../../insights/catalog/helpers.js';
import type { ActionSpec } from '../../insights/catalog/entry.js';
import type { Platform, Runtime } from '../../platform/port.js';
import { pass, type DoctorAction, type DoctorCheck, type Finding } from '../check.js';

export type RuntimesCheckDeps = { platform: Platform; now?: () => number };

/** A runtime silent for this many heartbeat intervals is down even if the platform still says connected. */
const MISSED_INTERVALS = 3;

type Down = { runtime: Runtime; reason: string };

/** Why a runtime is not connected, or undefined when it is: the platform's reason first, else the silence. */
function downReason(runtime: Runtime, now: number): string | undefined {
  const last = runtime.lastHeartbeatAt ? Date.parse(runtime.lastHeartbeatAt) : undefined;
  const silentMs = last === undefined || !Number.isFinite(last) ? undefined : now - last;
  const stale = silentMs === undefined || silentMs > MISSED_INTERVALS * runtime.heartbeatIntervalSeconds * 1000;
  if (runtime.status === 'connected' && !stale) return undefined;
  if (runtime.status === 'unreachable' && runtime.lastDownReason) return words(runtime.lastDownReason);
  if (silentMs === undefined) return 'no heartbeat yet';
  return `no heartbeat for ${Math.max(1, Math.floor(silentMs / MINUTE))} min`;
}

/** "Mike" for bash-runtime-mike; the runtime id itself when the employee is unknown or unlisted. */
async function ownerNames(platform: Platform, runtimes: Runtime[]): Promise<string[]> {
  const employees = await platform.listEmployees();
  const names = new Map(employees.ok ? employees.value.map((e) => [e.id, e.name]) : []);
  return runtimes.map((r) => names.get(r.employeeId) ?? r.id);
}

function summaryOf(down: number, restarting: number): string {
  const parts = [
    ...(down ? [`${plural(down, 'external runtime')} unreachable`] : []),
    ...(restarting ? [`${restarting} restarting`] : []),
  ];
  // "1 restarting" alone reads oddly: name the noun when nothing is down.
  if (!down) return `${plural(restarting, 'external runtime')} restarting:`;
  return `${parts.join(', ')}:`;
}

async function restartAction(platform: Platform, down: Down[]): Promise<DoctorAction> {
  const names = await ownerNames(platform, down.map((d) => d.runtime));
  const buttons: ActionSpec[] = down.map(({ runtime }) => ({
    action: 'restart_runtime',
    label: `Restart ${runtime.id}`,
    target: { kind: 'runtime', id: runtime.id },
  }));
  const noun = down.length === 1 ? 'external runtime' : 'external runtimes';
  return { kind: 'runtime_unreachable', text: `Restart ${noun} (${names.join(', ')})`, buttons };
}

/**
 * Runtime posture: every runtime's last heartbeat against its interval. The seed's report shows
 * "2 external runtimes unreachable" with one line per runtime and its reason; a runtime being
 * restarted is not connected yet, but already has someone on it, so it gets no button.
 */
export function runtimesCheck({ platform, now }: RuntimesCheckDeps): DoctorCheck {
  return {
    section: 'runtimes',
    name: 'Runtime posture',
    async run(ctx): Promise<Finding> {
      const listed = await platform.listRuntimes();
      if (!listed.ok) {
        return { status: 'fail', summary: `could not list runtimes: ${listed.error.message}`, details: [], actions: [] };
      }
      const runtimes = listed.value;
      if (!runtimes.length) return pass('no runtimes registered');
      const at = now?.() ?? ctx.now.getTime();
      const restarting = runtimes.filter((r) => r.status === 'restarting');
      const down: Down[] = runtimes
        .filter((r) => r.status !== 'restarting')
        .flatMap((runtime) => {
          const reason = downReason(runtime, at);
          return reason ? [{ runtime, reason }] : [];
        });
      if (!down.length && !restarting.length) return pass(`${plural(runtimes.length, 'runtime')} connected`);

      const details = [
        ...down.map((d) => `• ${d.runtime.id} (${d.reason})`),
        ...restarting.map((r) => `• ${r.id} (restarting)`),
      ];
      const connected = runtimes.length - down.length - restarting.length;
      return {
        status: connected === 0 && down.length > 0 ? 'fail' : 'warning',
        summary: summaryOf(down.length, restarting.length),
        details,
        actions: down.length ? [await restartAction(platform, down)] : [],
      };
    },
  };
}
