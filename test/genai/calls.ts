import type { GenAiCall } from '../../src/intake/otlp/genai-call.js';

/** The minute the tests' windows end at: their calls end in the five minutes before it. */
export const WINDOW_END = Date.parse('2026-05-03T15:00:00Z');
export const MINUTE = 60_000;

/** A chat call to OpenAI that took 800 ms, ending `minutesBefore` minutes (and a few seconds) before WINDOW_END. */
export function call(overrides: Partial<GenAiCall> & { minutesBefore?: number } = {}): GenAiCall {
  const { minutesBefore = 1, ...rest } = overrides;
  return {
    operation: 'chat',
    provider: 'openai',
    model: 'gpt-4o',
    agent: 'support-bot',
    inputTokens: 1000,
    outputTokens: 200,
    durationMs: 800,
    endedAtMs: WINDOW_END - minutesBefore * MINUTE + 5_000,
    ...rest,
  };
}

/** `n` calls spread over the window's minutes (1..5 before its end), the first `failed` of them in error. */
export function calls(n: number, overrides: Partial<GenAiCall> = {}, failed = 0): GenAiCall[] {
  return Array.from({ length: n }, (_, i) => call({ minutesBefore: 1 + (i % 5), ...overrides, ...(i < failed ? { error: 'RateLimitError' } : {}) }));
}
