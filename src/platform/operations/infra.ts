import { z } from 'zod';
import { defineOperations } from './spec.js';

/** An agent's context window, as a compaction leaves it. */
export const AgentContext = z.object({
  agent: z.string(),
  usedTokens: z.number(),
  windowTokens: z.number(),
  /** What the compaction freed; 0 when there was nothing to compact. */
  freedTokens: z.number(),
});
export type AgentContext = z.infer<typeof AgentContext>;

/** See ./index.ts. */
export const infraOperations = defineOperations({
  /**
   * Context window high (self-healing research, "context management"): summarise earlier turns,
   * keeping the task anchor and the latest messages, and clear old tool results.
   */
  compactContext: { collection: 'agents', verb: 'compact', body: z.strictObject({}), answer: AgentContext },
});
