/** "14:02 UTC": one shared clock for an incident channel whose people span time zones. */
export const utcClock = (date: Date): string => `${date.toISOString().slice(11, 16)} UTC`;
