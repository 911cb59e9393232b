import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { doctorRuns } from '../db/schema/doctor.js';
import type { Section } from './check.js';
import { DoctorReport } from './report.js';

export type DoctorTrigger = 'command' | 'button' | 'schedule';

export type NewRun = {
  requestedBy: Record<string, unknown>;
  trigger: DoctorTrigger;
  sections: Section[];
  build(runId: number): DoctorReport;
  startedAt: Date;
  finishedAt: Date;
};

/**
 * Runs are stored after they finish: a run nobody saw the end of (a crash mid-check) has nothing
 * worth keeping. The id is taken from the insert so the stored report carries its own number.
 */
export async function saveRun(db: Db, run: NewRun): Promise<DoctorReport> {
  return db.transaction(async (tx) => {
    const placeholder = run.build(0);
    const [row] = await tx
      .insert(doctorRuns)
      .values({
        requestedBy: run.requestedBy,
        trigger: run.trigger,
        sections: run.sections,
        overall: placeholder.overall,
        report: placeholder,
        durationMs: Math.round(placeholder.durationMs),
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
      })
      .returning({ id: doctorRuns.id });
    const report = run.build(row!.id);
    await tx.update(doctorRuns).set({ report }).where(eq(doctorRuns.id, row!.id));
    return report;
  });
}

export async function findRun(db: Db, runId: number): Promise<DoctorReport | undefined> {
  const [row] = await db.select({ report: doctorRuns.report }).from(doctorRuns).where(eq(doctorRuns.id, runId));
  if (!row) return undefined;
  const parsed = DoctorReport.safeParse(row.report);
  return parsed.success ? parsed.data : undefined;
}

export async function latestRuns(db: Db, limit: number): Promise<DoctorReport[]> {
  const found = await db.select({ report: doctorRuns.report }).from(doctorRuns).orderBy(desc(doctorRuns.id)).limit(limit);
  return found.flatMap((r) => {
    const parsed = DoctorReport.safeParse(r.report);
    return parsed.success ? [parsed.data] : [];
  });
}
