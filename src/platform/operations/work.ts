import { defineOperations } from './spec.js';

/** See ./index.ts. */
export const workOperations = defineOperations({});
