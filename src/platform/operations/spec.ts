import type { z } from 'zod';

/**
 * One recovery operation of the Platform port, declared once and read by both sides: the HTTP
 * client sends `POST /platform/<collection>/:id/<verb>` with `body` and parses `answer`; the
 * REST routes (src/platform/rest-routes.ts) validate `body` and serve the simulator's handler
 * (src/platform/simulator/remedies/index.ts). docs/platform-api.md documents each one, and
 * test/platform/operations.test.ts fails when one is missing there.
 */
export type OperationSpec = {
  /** The entity collection in the path: 'tasks', 'routines', 'redis'. */
  collection: string;
  /** The path's last segment: 'kill', 'pause'. */
  verb: string;
  /** The request body; a strict object, so a typo is refused rather than ignored. */
  body: z.ZodType;
  /** What the platform answers: the changed entity, or what the operation did. */
  answer: z.ZodType;
};

/** Keeps each operation's body and answer types (a plain Record would widen them to ZodType). */
export const defineOperations = <T extends Record<string, OperationSpec>>(operations: T): T => operations;
