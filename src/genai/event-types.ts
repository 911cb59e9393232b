import { z } from 'zod';

/**
 * The event types the agent signals need that the vocabulary had no word for, in its style
 * (src/events/vocabulary.ts, which spreads them into EVENT_TYPES). Each is a judgement over a
 * window of GenAI calls, sent by the leader (src/genai/signals.ts), not a single call.
 */
const name = z.string().min(1).max(200);
const count = z.number().int().min(0);
const share = z.number().min(0).max(1);

export const GENAI_EVENT_TYPES = {
  /** invoke_agent spans of one agent (or service) over the window: how many ran, how many failed. */
  'agent.runs': z.looseObject({
    agent: name,
    runs: count,
    failed: count,
    errorRate: share,
    windowMinutes: z.number().positive(),
    lastError: z.string().max(4000).optional(),
    /** The platform routine behind the agent (config genai.agentRoutines), when one is named. */
    routine: name.optional(),
  }),
  /** An agent's spend today against its budget (USD, from token counts and per-model prices). */
  'agent.spend': z.looseObject({
    agent: name,
    spentUsd: z.number().min(0),
    limitUsd: z.number().positive(),
    period: z.enum(['day']).default('day'),
    inputTokens: count,
    outputTokens: count,
    /** Models the agent used that have no price in config: their tokens are not in spentUsd. */
    unpricedModels: z.array(name).max(50).optional(),
  }),
  /** execute_tool spans of one tool that names no MCP server (those report as mcp.health). */
  'tool.calls': z.looseObject({
    tool: name,
    calls: count,
    failed: count,
    errorRate: share,
    windowMinutes: z.number().positive(),
    lastError: z.string().max(4000).optional(),
  }),
} as const;

export type GenAiEventType = keyof typeof GENAI_EVENT_TYPES;
export type GenAiEventAttributes<T extends GenAiEventType> = z.infer<(typeof GENAI_EVENT_TYPES)[T]>;
