/**
 * One GenAI call as Triage keeps it from an OpenTelemetry span: only what the agent signals need
 * (src/genai/). Spans with gen_ai.* attributes (OpenTelemetry GenAI semantic conventions) and
 * OpenInference spans (openinference.span.kind, llm.*) both become this; other spans are counted
 * and dropped.
 */
export type GenAiOperation =
  | 'chat'
  | 'text_completion'
  | 'generate_content'
  | 'embeddings'
  | 'execute_tool'
  | 'invoke_agent'
  | 'create_agent'
  | 'other';

export type GenAiCall = {
  operation: GenAiOperation;
  /** gen_ai.provider.name, else the older gen_ai.system, else OpenInference's llm.provider / llm.system. */
  provider?: string;
  /** gen_ai.request.model, else gen_ai.response.model, else llm.model_name. */
  model?: string;
  /** gen_ai.agent.name (OpenInference: agent.name). */
  agent?: string;
  /** The resource's service.name. */
  service?: string;
  /** gen_ai.tool.name (OpenInference: tool.name). */
  tool?: string;
  /** The MCP server a tool call went to, where the span names it. */
  mcpServer?: string;
  conversation?: string;
  inputTokens: number;
  outputTokens: number;
  durationMs: number;
  /** error.type, else the status message, when the span failed (status ERROR or error.type set). */
  error?: string;
  /** The span's end time, ms since the epoch. */
  endedAtMs: number;
};
