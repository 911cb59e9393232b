import { z } from 'zod';
import { parseRetryAfter } from '../../resilience/retry.js';
import { TimeoutError, withTimeout } from '../../resilience/timeout.js';

/** What Triage's intake answers with 202. Loose, so the player keeps working as the answer grows. */
export const IntakeAnswer = z.looseObject({
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  warnings: z.union([z.array(z.unknown()), z.number().int().min(0)]).optional(),
});
export type IntakeAnswer = z.infer<typeof IntakeAnswer>;

/** Triage's error body: `{ error: { code, message } }` (src/http/respond.ts). */
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type AttemptFailure =
  | { kind: 'http'; status: number; code?: string; message: string; retryAfterMs?: number }
  | { kind: 'network'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'bad_answer'; message: string };

/** Carries a failure through `retry`, which sees thrown values; the player turns it back into data. */
export class AttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.kind === 'http' ? `${failure.status}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}` : failure.message);
  }
}

/** Transient by nature: the server said "later" (429, 5xx), or we never got an answer. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof AttemptError)) return false;
  const f = error.failure;
  return f.kind === 'network' || f.kind === 'timeout' || (f.kind === 'http' && (f.status === 429 || f.status >= 500));
}

export type PostRequest = { endpoint: string; token: string; body: string; timeoutMs: number; fetch: typeof globalThis.fetch };

/** One POST, bounded by a timeout that covers the body too (a server can stall mid-answer). */
export async function postBatch(request: PostRequest): Promise<IntakeAnswer> {
  let answer: { status: number; headers: Headers; text: string };
  try {
    answer = await withTimeout(
      async (signal) => {
        const response = await request.fetch(request.endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${request.token}`, 'content-type': 'application/json' },
          body: request.body,
          signal,
        });
        return { status: response.status, headers: response.headers, text: await response.text() };
      },
      request.timeoutMs,
      { label: `POST ${request.endpoint}` },
    );
  } catch (error) {
    if (error instanceof TimeoutError) throw new AttemptError({ kind: 'timeout', message: error.message });
    throw new AttemptError({ kind: 'network', message: networkReason(error) });
  }
  if (answer.status < 200 || answer.status > 299) {
    const { code, message } = serverMessage(answer.text, answer.status);
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
    throw new AttemptError({ kind: 'http', status: answer.status, code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  return parseAnswer(answer.text);
}

function parseAnswer(text: string): IntakeAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AttemptError({ kind: 'bad_answer', message: `Triage answered with something that is not JSON: ${clip(text)}` });
  }
  const parsed = IntakeAnswer.safeParse(json);
  if (!parsed.success) throw new AttemptError({ kind: 'bad_answer', message: `unexpected answer from the intake: ${z.prettifyError(parsed.error)}` });
  return parsed.data;
}

function serverMessage(text: string, status: number): { code?: string; message: string } {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to the raw text.
  }
  return { message: clip(text) || `HTTP ${status} with an empty body` };
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text).trim();
