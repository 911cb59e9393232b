/** The durable chat outbox: what the rest of Triage imports. */
export { createOutbox, type DeliveredEvent, type EnqueueOptions, type Outbox, type OutboxDeps } from './outbox.js';
export type { EnqueueOutcome, Enqueued } from './enqueue.js';
export { OutboxOptions, type OutboundCardInput, type OutboxOptionsInput } from './model.js';
export type { OutboxStats } from './stats.js';
