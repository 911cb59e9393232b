/** Sizes and durations as the infra cards write them: "5.6 GB", "12 h", "90 min". */
export const gb = (bytes: number): string => `${Number((bytes / 1024 ** 3).toFixed(1))} GB`;

export const duration = (seconds: number): string => (seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`);

/** "5.6 GB of 6 GB (93.3%)": a Redis instance's memory after an operation. */
export const memory = (r: { usedBytes: number; maxBytes: number; usedPercent: number }): string => `${gb(r.usedBytes)} of ${gb(r.maxBytes)} (${r.usedPercent}%)`;
