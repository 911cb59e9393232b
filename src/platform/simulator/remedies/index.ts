import type { OperationName } from '../../operations/index.js';
import type { EventKinds } from '../apply-events.js';
import type { SimContext } from '../context.js';
import type { Handler } from './handler.js';
import { checksRemedies } from './checks.js';
import { checksRemedyEvents } from './checks-events.js';
import { infraRemedies } from './infra.js';
import { infraRemedyEvents } from './infra-events.js';
import { routingRemedies } from './routing.js';
import { routingRemedyEvents } from './routing-events.js';
import { workRemedies } from './work.js';
import { workRemedyEvents } from './work-events.js';

export type { Handler, Handlers } from './handler.js';

/** The simulator's handler for every operation of src/platform/operations/index.ts; a missing one does not compile. */
export function createRemedies(ctx: SimContext): { [N in OperationName]: Handler<N> } {
  return { ...workRemedies(ctx), ...infraRemedies(ctx), ...routingRemedies(ctx), ...checksRemedies(ctx) };
}

/** What the platform's events say about those objects, folded in like the rest of the model. */
export const remedyEvents: EventKinds = { ...workRemedyEvents, ...infraRemedyEvents, ...routingRemedyEvents, ...checksRemedyEvents };
