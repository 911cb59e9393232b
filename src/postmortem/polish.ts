import { z } from 'zod';
import type { IncidentsConfig } from '../config.js';
import { createCircuitBreaker } from '../resilience/circuit-breaker.js';
import { TimeoutError, withTimeout } from '../resilience/timeout.js';
import { DETERMINISTIC, type Minutes } from './minutes.js';

/**
 * Optional LLM polish of the minutes' prose (the summary paragraph, the lessons' wording). The
 * facts, ranks, counts and action items never go through the model. Every failure — timeout,
 * HTTP error, a reply that does not parse, an open breaker — gives the deterministic minutes with
 * a note saying so: a post-mortem is never missing because a provider is down.
 */
export type LlmConfig = IncidentsConfig['llm'];
export type Polisher = { polish(minutes: Minutes): Promise<{ minutes: Minutes; note: string }> };
type Deps = { now?: () => number; fetch?: typeof fetch };

const Prose = z.object({ summary: z.string().min(1).max(4000), lessons: z.array(z.string().min(1).max(500)) });
type Prose = z.infer<typeof Prose>;
const OpenAiReply = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1) });
const AnthropicReply = z.object({ content: z.array(z.object({ type: z.string(), text: z.string().optional() })).min(1) });

const INSTRUCTIONS =
  'You edit incident post-mortem minutes. Rewrite only the wording of "summary" and of each entry of "lessons" ' +
  'to read clearly for engineers. Keep every number, name, time and fact; add nothing; keep the lessons in the same ' +
  'order and count. Answer with JSON only: {"summary": string, "lessons": string[]}.';

/** Thrown inside the breaker so a failure counts against the provider; never leaves this file. */
class PolishFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const unavailable = (reason: string): string => `LLM unavailable (${reason}): ${DETERMINISTIC}`;
const base = (url: string): string => url.replace(/\/+$/, '');

function request(config: NonNullable<LlmConfig>, prose: Prose): { url: string; init: RequestInit } {
  const user = JSON.stringify(prose);
  if (config.provider === 'anthropic') {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
    if (config.apiKey) headers['x-api-key'] = config.apiKey;
    const body = { model: config.model, max_tokens: 2048, temperature: 0, system: INSTRUCTIONS, messages: [{ role: 'user', content: user }] };
    return { url: `${base(config.url)}/v1/messages`, init: { method: 'POST', headers, body: JSON.stringify(body) } };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const messages = [
    { role: 'system', content: INSTRUCTIONS },
    { role: 'user', content: user },
  ];
  return { url: `${base(config.url)}/chat/completions`, init: { method: 'POST', headers, body: JSON.stringify({ model: config.model, temperature: 0, messages }) } };
}

/** The model's text out of either provider's reply, then the JSON inside it (fences tolerated). */
function parseReply(provider: 'openai' | 'anthropic', json: unknown, expectedLessons: number): Prose {
  let text: string | undefined;
  if (provider === 'anthropic') {
    const reply = AnthropicReply.safeParse(json);
    text = reply.success ? reply.data.content.find((c) => c.type === 'text')?.text : undefined;
  } else {
    const reply = OpenAiReply.safeParse(json);
    text = reply.success ? reply.data.choices[0]!.message.content : undefined;
  }
  if (!text) throw new PolishFailure('unexpected response');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\s*```(?:json)?\s*/i, '').replace(/\s*```\s*$/, ''));
  } catch {
    throw new PolishFailure('unexpected response');
  }
  const prose = Prose.safeParse(parsed);
  // A reply that drops or adds lessons changed the content, not the wording.
  if (!prose.success || prose.data.lessons.length !== expectedLessons) throw new PolishFailure('unexpected response');
  return prose.data;
}

export function createPolisher(config: LlmConfig, deps: Deps = {}): Polisher {
  const doFetch = deps.fetch ?? fetch;
  const breaker = createCircuitBreaker({ failureThreshold: 3, openMs: 60_000, ...(deps.now ? { now: deps.now } : {}) });

  const call = async (llm: NonNullable<LlmConfig>, prose: Prose): Promise<Prose> => {
    const { url, init } = request(llm, prose);
    return withTimeout(
      async (signal) => {
        const res = await doFetch(url, { ...init, signal }).catch(() => {
          throw new PolishFailure('network error');
        });
        if (!res.ok) throw new PolishFailure(`HTTP ${res.status}`);
        const json: unknown = await res.json().catch(() => undefined);
        return parseReply(llm.provider, json, prose.lessons.length);
      },
      llm.timeoutMs,
      { label: 'LLM polish' },
    );
  };

  return {
    async polish(minutes) {
      const done = (m: Minutes, note: string) => ({ minutes: { ...m, note }, note });
      if (!config) return done(minutes, DETERMINISTIC);
      const result = await breaker.call(() => call(config, { summary: minutes.summary, lessons: minutes.lessons }));
      if (result.ok) return done({ ...minutes, summary: result.value.summary, lessons: result.value.lessons }, `prose polished by ${config.model}`);
      if (result.error.code === 'open') return done(minutes, unavailable('circuit open after repeated failures'));
      const error = result.error.error;
      if (error instanceof TimeoutError) return done(minutes, unavailable(`timeout after ${config.timeoutMs / 1000} s`));
      return done(minutes, unavailable(error instanceof PolishFailure ? error.reason : 'error'));
    },
  };
}
