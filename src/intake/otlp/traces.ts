import type { GenAiCall } from './genai-call.js';
import type { SpanOutcome } from './span-draft.js';

/**
 * What decoding one ExportTraceServiceRequest gives, in either encoding: the GenAI calls, every
 * span seen, and the spans rejected one by one (OTLP's partial success: the rest is accepted).
 */
export type DecodedTraces = { calls: GenAiCall[]; spans: number; rejected: number; rejectedReason?: string };

/** A request that cannot be decoded at all is refused whole (400), with the reason. */
export type TraceDecode = ({ ok: true } & DecodedTraces) | { ok: false; reason: string };

/** Counts spans as a decoder meets them; keeps the first rejection's words, naming the span by its place. */
export class TraceTally {
  readonly calls: GenAiCall[] = [];
  spans = 0;
  rejected = 0;
  private firstReason: string | undefined;

  add(outcome: SpanOutcome, resource: number, scope: number, span: number): void {
    this.spans++;
    if (outcome === null) return;
    if (typeof outcome !== 'string') {
      this.calls.push(outcome);
      return;
    }
    this.rejected++;
    this.firstReason ??= `resourceSpans[${resource}].scopeSpans[${scope}].spans[${span}] ${outcome}`;
  }

  result(): TraceDecode {
    const decoded: TraceDecode = { ok: true, calls: this.calls, spans: this.spans, rejected: this.rejected };
    if (this.rejected > 0) {
      const others = this.rejected > 1 ? ` (and ${this.rejected - 1} more span${this.rejected > 2 ? 's' : ''})` : '';
      decoded.rejectedReason = `${this.firstReason}${others}; the other spans were accepted`;
    }
    return decoded;
  }
}
