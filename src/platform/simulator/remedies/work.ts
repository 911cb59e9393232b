import type { workOperations } from '../../operations/work.js';
import type { Handlers } from './handler.js';

/** The simulator's side of src/platform/operations/work.ts. */
export const workRemedies: Handlers<keyof typeof workOperations> = () => ({});
