import type { OperationAnswer, OperationInput, OperationName } from '../../operations/index.js';
import type { PlatformResult } from '../../port.js';
import type { SimContext } from '../context.js';

/** How the simulator carries out one operation: the body already validated, the key handled once by ../idempotency.ts. */
export type Handler<N extends OperationName> = (id: string, body: OperationInput<N>) => PlatformResult<OperationAnswer<N>>;
/** A group's handlers, one per operation of its group (src/platform/operations/<group>.ts). */
export type Handlers<K extends OperationName> = (ctx: SimContext) => { [N in K]: Handler<N> };
