import type { EventKinds } from '../apply-events.js';

/** Events folded into the objects the routing operations change (see ../apply-events.ts). */
export const routingRemedyEvents: EventKinds = {};
