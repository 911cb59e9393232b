import type { EventKinds } from '../apply-events.js';

/** Events folded into the objects the work operations change (see ../apply-events.ts). */
export const workRemedyEvents: EventKinds = {};
