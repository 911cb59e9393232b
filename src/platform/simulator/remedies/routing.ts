import type { routingOperations } from '../../operations/routing.js';
import type { Handlers } from './handler.js';

/** The simulator's side of src/platform/operations/routing.ts. */
export const routingRemedies: Handlers<keyof typeof routingOperations> = () => ({});
