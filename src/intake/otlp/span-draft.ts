import { unstorableChar } from '../../http/storable-text.js';
import type { GenAiCall, GenAiOperation } from './genai-call.js';

/**
 * What both OTLP decoders (decode-protobuf.ts, decode-json.ts) fill for one span, and how a filled
 * draft becomes a GenAiCall. Only the attributes below are read; every other attribute is skipped
 * without decoding its value, which is most of the cost of a span.
 */
export type AttrValue = string | number | boolean | undefined;

// The slot of each wanted attribute: its index in SPAN_KEYS. Numbers, not names, so a draft is a
// small array the decoders write by index.
const PROVIDER = 0, SYSTEM = 1, OPERATION = 2, REQUEST_MODEL = 3, RESPONSE_MODEL = 4;
const INPUT_TOKENS = 5, OUTPUT_TOKENS = 6, PROMPT_TOKENS = 7, COMPLETION_TOKENS = 8;
const ERROR_TYPE = 9, AGENT = 10, CONVERSATION = 11, TOOL = 12;
const MCP_SERVER = 13, MCP_METHOD = 14, SERVER_ADDRESS = 15;
const OI_KIND = 16, OI_PROVIDER = 17, OI_SYSTEM = 18, OI_MODEL = 19, OI_PROMPT_TOKENS = 20, OI_COMPLETION_TOKENS = 21;
const OI_TOOL = 22, OI_AGENT = 23, OI_SESSION = 24;

/**
 * OpenTelemetry GenAI semantic conventions (gen_ai.*, with the older gen_ai.system and
 * prompt/completion token names), MCP (semconv names the server by server.address on MCP spans;
 * mcp.server.name is what some agent SDKs send), then OpenInference's names.
 */
export const SPAN_KEYS: readonly string[] = [
  'gen_ai.provider.name', 'gen_ai.system', 'gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.response.model',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.prompt_tokens', 'gen_ai.usage.completion_tokens',
  'error.type', 'gen_ai.agent.name', 'gen_ai.conversation.id', 'gen_ai.tool.name',
  'mcp.server.name', 'mcp.method.name', 'server.address',
  'openinference.span.kind', 'llm.provider', 'llm.system', 'llm.model_name', 'llm.token_count.prompt', 'llm.token_count.completion',
  'tool.name', 'agent.name', 'session.id',
];
export const SERVICE_NAME_KEY = 'service.name';
/** Values that differ in nearly every span (conversation ids): not worth a decoder's text cache. */
export const UNCACHED_SLOTS: ReadonlySet<number> = new Set([CONVERSATION, OI_SESSION]);

export type SpanDraft = {
  attrs: AttrValue[];
  /** Start and end as the two 32-bit halves of the uint64 nanoseconds, so no BigInt is needed. */
  startHi: number;
  startLo: number;
  endHi: number;
  endLo: number;
  /** Set by a decoder when a time was present but not a uint64 (JSON only: protobuf's fixed64 always is). */
  timeProblem: string | undefined;
  statusCode: number;
  statusMessage: string | undefined;
};

export const newDraft = (): SpanDraft => ({
  attrs: new Array<AttrValue>(SPAN_KEYS.length).fill(undefined),
  startHi: 0, startLo: 0, endHi: 0, endLo: 0, timeProblem: undefined, statusCode: 0, statusMessage: undefined,
});

export function resetDraft(d: SpanDraft): void {
  d.attrs.fill(undefined);
  d.startHi = d.startLo = d.endHi = d.endLo = d.statusCode = 0;
  d.timeProblem = d.statusMessage = undefined;
}

const OPERATIONS = new Set<string>(['chat', 'text_completion', 'generate_content', 'embeddings', 'execute_tool', 'invoke_agent', 'create_agent']);
const OPENINFERENCE_KINDS: Record<string, GenAiOperation> = { LLM: 'chat', TOOL: 'execute_tool', AGENT: 'invoke_agent', EMBEDDING: 'embeddings' };
const TWO_32 = 4294967296;
/** gen_ai_rollups keeps token counts in integer columns (src/db/schema/signals.ts). */
const MAX_TOKENS = 2147483647;
const MAX_NAME = 256;
const MAX_ERROR = 512;

/** Not a GenAI span (null), a GenAI call, or why the span was rejected. */
export type SpanOutcome = GenAiCall | null | string;

/** `service` is the resource's service.name, as read. */
export function toGenAiCall(d: SpanDraft, service: AttrValue): SpanOutcome {
  const a = d.attrs;
  const operation = operationOf(a);
  if (operation === undefined) return null;
  if (d.timeProblem !== undefined) return d.timeProblem;
  if (d.startHi === 0 && d.startLo === 0) return 'has no start time';
  if (d.endHi === 0 && d.endLo === 0) return 'has no end time';
  if (d.endHi < d.startHi || (d.endHi === d.startHi && d.endLo < d.startLo)) return 'ends before it starts';
  const inputTokens = tokens(a[INPUT_TOKENS] ?? a[PROMPT_TOKENS] ?? a[OI_PROMPT_TOKENS]);
  const outputTokens = tokens(a[OUTPUT_TOKENS] ?? a[COMPLETION_TOKENS] ?? a[OI_COMPLETION_TOKENS]);
  if (inputTokens < 0 || outputTokens < 0) return `has a token count that is not an integer from 0 to ${MAX_TOKENS}`;
  const errorType = text(a[ERROR_TYPE], MAX_ERROR);
  const failed = d.statusCode === 2 || errorType !== undefined;
  const call: GenAiCall = {
    operation,
    inputTokens,
    outputTokens,
    durationMs: ((d.endHi - d.startHi) * TWO_32 + (d.endLo - d.startLo)) / 1e6,
    endedAtMs: Math.floor((d.endHi * TWO_32 + d.endLo) / 1e6),
  };
  const mcpServer = text(a[MCP_SERVER]) ?? (operation === 'execute_tool' || a[MCP_METHOD] !== undefined ? text(a[SERVER_ADDRESS]) : undefined);
  return (
    put(call, 'provider', text(a[PROVIDER]) ?? text(a[SYSTEM]) ?? text(a[OI_PROVIDER]) ?? text(a[OI_SYSTEM])) ??
    put(call, 'model', text(a[REQUEST_MODEL]) ?? text(a[RESPONSE_MODEL]) ?? text(a[OI_MODEL])) ??
    put(call, 'agent', text(a[AGENT]) ?? text(a[OI_AGENT])) ??
    put(call, 'service', text(service)) ??
    put(call, 'tool', text(a[TOOL]) ?? text(a[OI_TOOL])) ??
    put(call, 'mcpServer', mcpServer) ??
    put(call, 'conversation', text(a[CONVERSATION]) ?? text(a[OI_SESSION])) ??
    put(call, 'error', failed ? (errorType ?? text(d.statusMessage, MAX_ERROR) ?? 'error') : undefined) ??
    call
  );
}

/**
 * gen_ai.operation.name wins (an unknown one is 'other'); then an OpenInference kind we map; then
 * a provider alone means a chat call. Other OpenInference kinds (CHAIN, RETRIEVER...) count only
 * when they carry llm.* attributes, as 'other': they usually wrap an LLM span that is counted itself.
 */
function operationOf(a: AttrValue[]): GenAiOperation | undefined {
  const op = a[OPERATION];
  if (op !== undefined) return typeof op === 'string' && OPERATIONS.has(op) ? (op as GenAiOperation) : 'other';
  const kind = a[OI_KIND];
  if (kind !== undefined) {
    const mapped = typeof kind === 'string' ? OPENINFERENCE_KINDS[kind.toUpperCase()] : undefined;
    if (mapped) return mapped;
  }
  if (a[PROVIDER] !== undefined || a[SYSTEM] !== undefined) return 'chat';
  if (kind !== undefined && (a[OI_MODEL] !== undefined || a[OI_PROVIDER] !== undefined || a[OI_SYSTEM] !== undefined)) return 'other';
  return undefined;
}

// No stored text can be a lone NUL, so it marks one that cannot be stored.
const UNSTORABLE = '\u0000';

/** An attribute as text: numbers and booleans in their usual form; empty is absent; long text is cut at a code point. */
function text(value: AttrValue, max = MAX_NAME): string | undefined {
  if (value === undefined) return undefined;
  let s = typeof value === 'string' ? value : String(value);
  if (s.length === 0) return undefined;
  if (s.length > max) {
    const high = s.charCodeAt(max - 1);
    s = s.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
  }
  return unstorableChar(s) ? UNSTORABLE : s;
}

/** A token count; 0 when absent, -1 when not a count. */
function tokens(value: AttrValue): number {
  if (value === undefined) return 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  // + 0 turns a -0 (a valid double_value) into 0.
  return Number.isInteger(n) && n >= 0 && n <= MAX_TOKENS ? n + 0 : -1;
}

/** Sets an optional field; a text PostgreSQL cannot store rejects the span (undefined means carry on). */
function put(call: GenAiCall, field: 'provider' | 'model' | 'agent' | 'service' | 'tool' | 'mcpServer' | 'conversation' | 'error', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === UNSTORABLE) return `has a ${field} holding a NUL character or an unpaired UTF-16 surrogate`;
  call[field] = value;
  return undefined;
}
