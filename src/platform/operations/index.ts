import type { z } from 'zod';
import { checksOperations } from './checks.js';
import { infraOperations } from './infra.js';
import { routingOperations } from './routing.js';
import { workOperations } from './work.js';

export type { OperationSpec } from './spec.js';

/**
 * Every recovery operation beyond the port's original methods, by name, grouped by what they act
 * on: work (tasks, intents, workstreams), infra (Redis, queues, pools, context), routing
 * (routines, breakers, partners, providers) and checks (probes, trace suites).
 */
export const OPERATIONS = { ...workOperations, ...infraOperations, ...routingOperations, ...checksOperations };

export type Operations = typeof OPERATIONS;
export type OperationName = keyof Operations;
/** What the caller sends (defaults not yet applied). */
export type OperationBody<N extends OperationName> = z.input<Operations[N]['body']>;
/** What the platform's handler receives, validated. */
export type OperationInput<N extends OperationName> = z.output<Operations[N]['body']>;
export type OperationAnswer<N extends OperationName> = z.output<Operations[N]['answer']>;

export const operationPath = (name: OperationName, id: string): string => {
  const spec = OPERATIONS[name];
  return `${spec.collection}/${encodeURIComponent(id)}/${spec.verb}`;
};
