import { newDraft, resetDraft, SERVICE_NAME_KEY, SPAN_KEYS, toGenAiCall, type AttrValue, type SpanDraft } from './span-draft.js';
import { TraceTally, type TraceDecode } from './traces.js';

/**
 * ExportTraceServiceRequest in OTLP/JSON (application/json): proto3's JSON mapping with camelCase
 * keys, 64-bit integers as decimal strings or numbers, enums as integers (OTLP spec, "JSON
 * Protobuf Encoding"). Unknown fields are ignored, as the spec requires.
 *
 * Checked by hand rather than by zod: this runs once per span at fleet rates, and zod would build
 * a copy of every span, content attributes included, to read a dozen values. A container of the
 * wrong type (spans that are not a list, an attribute without a string key) refuses the request;
 * a wanted value that is wrong (a time that is not a uint64, tokens that are not a count)
 * rejects only its span.
 */
class Invalid extends Error {}

const spanSlots = new Map(SPAN_KEYS.map((key, index) => [key, index]));
type Json = Record<string, unknown>;

export function decodeTracesJson(text: string): TraceDecode {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const tally = new TraceTally();
  try {
    const request = object(doc, '(body)');
    list(request.resourceSpans, 'resourceSpans').forEach((rs, r) => resourceSpans(object(rs, `resourceSpans[${r}]`), r, tally, newDraft()));
  } catch (error) {
    const reason = error instanceof Invalid ? error.message : `could not be decoded (${(error as Error).message})`;
    return { ok: false, reason: `not a valid OTLP/JSON ExportTraceServiceRequest: ${reason}` };
  }
  return tally.result();
}

function resourceSpans(rs: Json, r: number, tally: TraceTally, draft: SpanDraft): void {
  const at = `resourceSpans[${r}]`;
  let service: AttrValue;
  if (rs.resource != null) {
    const resource = object(rs.resource, `${at}.resource`);
    list(resource.attributes, `${at}.resource.attributes`).forEach((kv, i) => {
      if (!isObject(kv) || typeof kv.key !== 'string') throw new Invalid(`${at}.resource.attributes[${i}] is not a KeyValue with a string key`);
      if (kv.key === SERVICE_NAME_KEY) service = anyValue(kv.value) ?? service;
    });
  }
  list(rs.scopeSpans, `${at}.scopeSpans`).forEach((ss, s) => {
    const scopeAt = `${at}.scopeSpans[${s}]`;
    const spans = list(object(ss, scopeAt).spans, `${scopeAt}.spans`);
    for (let i = 0; i < spans.length; i++) {
      span(spans[i], draft, scopeAt, i);
      tally.add(toGenAiCall(draft, service), r, s, i);
    }
  });
}

/** Paths in messages are built only when one is needed: this runs for every span and attribute. */
function span(value: unknown, draft: SpanDraft, scopeAt: string, index: number): void {
  resetDraft(draft);
  if (!isObject(value)) throw new Invalid(`${scopeAt}.spans[${index}] is not an object`);
  const attributes = value.attributes;
  if (attributes != null) {
    if (!Array.isArray(attributes)) throw new Invalid(`${scopeAt}.spans[${index}].attributes is not a list`);
    for (let i = 0; i < attributes.length; i++) {
      const kv: unknown = attributes[i];
      if (!isObject(kv) || typeof kv.key !== 'string') throw new Invalid(`${scopeAt}.spans[${index}].attributes[${i}] is not a KeyValue with a string key`);
      const slot = spanSlots.get(kv.key);
      if (slot !== undefined) draft.attrs[slot] = anyValue(kv.value);
    }
  }
  time(value.startTimeUnixNano, 'startTimeUnixNano', draft, true);
  time(value.endTimeUnixNano, 'endTimeUnixNano', draft, false);
  const status = value.status;
  if (status != null) {
    if (!isObject(status)) throw new Invalid(`${scopeAt}.spans[${index}].status is not an object`);
    const code = status.code;
    draft.statusCode = code === 2 || code === 'STATUS_CODE_ERROR' ? 2 : typeof code === 'number' ? code : 0;
    if (draft.statusCode === 2 && typeof status.message === 'string') draft.statusMessage = status.message;
  }
}

const TWO_32 = 4294967296;

/** A fixed64 time, as a decimal string (proto3 JSON) or a number, into the draft's two 32-bit halves. */
function time(value: unknown, field: string, draft: SpanDraft, start: boolean): void {
  if (value == null) return;
  let hi = 0;
  let lo = 0;
  if (typeof value === 'string' && value.length > 0 && value.length <= 20) {
    for (let i = 0; i < value.length && hi >= 0; i++) {
      const digit = value.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) hi = -1;
      else {
        lo = lo * 10 + digit;
        const carry = Math.floor(lo / TWO_32);
        lo -= carry * TWO_32;
        hi = hi * 10 + carry;
        if (hi >= TWO_32) hi = -1;
      }
    }
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TWO_32 * TWO_32) {
    hi = Math.floor(value / TWO_32);
    lo = value - hi * TWO_32;
  } else hi = -1;
  if (hi < 0) draft.timeProblem ??= `has a ${field} that is not an unsigned 64-bit integer`;
  else if (start) {
    draft.startHi = hi;
    draft.startLo = lo;
  } else {
    draft.endHi = hi;
    draft.endLo = lo;
  }
}

/** AnyValue's scalar cases (int64 may come as a string); any other case, or a wrong type, is no value. */
function anyValue(value: unknown): AttrValue {
  if (!isObject(value)) return undefined;
  const { stringValue, intValue, doubleValue, boolValue } = value;
  if (stringValue !== undefined) return typeof stringValue === 'string' ? stringValue : undefined;
  if (intValue !== undefined) return (typeof intValue === 'string' && INT64_TEXT.test(intValue)) || typeof intValue === 'number' ? intValue : undefined;
  if (doubleValue !== undefined) return typeof doubleValue === 'number' ? doubleValue : undefined;
  if (boolValue !== undefined) return typeof boolValue === 'boolean' ? boolValue : undefined;
  return undefined;
}

/** proto3 JSON writes int64 as decimal text; anything else is no int_value. */
const INT64_TEXT = /^-?\d{1,20}$/;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, where: string): Json {
  if (!isObject(value)) throw new Invalid(`${where} is not an object`);
  return value;
}

/** A repeated field: absent or null is empty (proto3 JSON), anything but a list is invalid. */
function list(value: unknown, where: string): unknown[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw new Invalid(`${where} is not a list`);
  return value;
}
