import { newDraft, resetDraft, SERVICE_NAME_KEY, SPAN_KEYS, toGenAiCall, UNCACHED_SLOTS, type AttrValue, type SpanDraft } from './span-draft.js';
import { TraceTally, type TraceDecode } from './traces.js';
import { keyMatcher, TextCache, WireError, WireReader } from './wire-reader.js';

/**
 * ExportTraceServiceRequest in binary protobuf (OTLP/HTTP's application/x-protobuf), read straight
 * from the bytes. Field numbers are those of opentelemetry-proto: collector/trace/v1/trace_service.proto,
 * trace/v1/trace.proto, common/v1/common.proto and resource/v1/resource.proto. Tags below are
 * (field number << 3) | wire type, e.g. Span.attributes = 9, length-delimited: 9 << 3 | 2 = 74.
 */
const REQUEST_RESOURCE_SPANS = 10; // 1, LEN
const RESOURCE_SPANS_RESOURCE = 10; // 1, LEN
const RESOURCE_SPANS_SCOPE_SPANS = 18; // 2, LEN
const RESOURCE_ATTRIBUTES = 10; // 1, LEN
const SCOPE_SPANS_SPANS = 18; // 2, LEN
const SPAN_START = 57; // 7, fixed64
const SPAN_END = 65; // 8, fixed64
const SPAN_ATTRIBUTES = 74; // 9, LEN
const SPAN_STATUS = 122; // 15, LEN
const STATUS_MESSAGE = 18; // 2, LEN
const STATUS_CODE = 24; // 3, varint
const KEY_VALUE_KEY = 10; // 1, LEN
const KEY_VALUE_VALUE = 18; // 2, LEN
const ANY_STRING = 10; // 1, LEN
const ANY_BOOL = 16; // 2, varint
const ANY_INT = 24; // 3, varint
const ANY_DOUBLE = 33; // 4, fixed64

const spanKey = keyMatcher(SPAN_KEYS);
const resourceKey = keyMatcher([SERVICE_NAME_KEY]);
const cacheable = SPAN_KEYS.map((_, index) => !UNCACHED_SLOTS.has(index));
const texts = new TextCache();

/** One decode's state: the reader, the span being filled and scratch space, reused for every span. */
type Decoding = { r: WireReader; draft: SpanDraft; tally: TraceTally; time: [number, number]; resource: number; scope: number };

export function decodeTracesProtobuf(bytes: Uint8Array): TraceDecode {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const d: Decoding = { r: new WireReader(buf), draft: newDraft(), tally: new TraceTally(), time: [0, 0], resource: 0, scope: 0 };
  try {
    const end = buf.length;
    while (d.r.pos < end) {
      const t = d.r.tag(end);
      if (t !== REQUEST_RESOURCE_SPANS) d.r.skip(t & 7, end);
      else {
        resourceSpans(d, d.r.lengthEnd(end));
        d.resource++;
      }
    }
  } catch (error) {
    const reason = error instanceof WireError ? error.message : `could not be decoded (${(error as Error).message})`;
    return { ok: false, reason: `not a valid ExportTraceServiceRequest: ${reason}` };
  }
  return d.tally.result();
}

/** The resource first, wherever it sits among the fields, so every span knows its service. */
function resourceSpans(d: Decoding, end: number): void {
  const r = d.r;
  const start = r.pos;
  let service: AttrValue;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === RESOURCE_SPANS_RESOURCE) service = resourceService(r, r.lengthEnd(end)) ?? service;
    else r.skip(t & 7, end);
  }
  r.pos = start;
  d.scope = 0;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t !== RESOURCE_SPANS_SCOPE_SPANS) r.skip(t & 7, end);
    else {
      scopeSpans(d, r.lengthEnd(end), service);
      d.scope++;
    }
  }
}

function resourceService(r: WireReader, end: number): AttrValue {
  let service: AttrValue;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t !== RESOURCE_ATTRIBUTES) r.skip(t & 7, end);
    else {
      const fieldEnd = r.lengthEnd(end);
      service = keyValue(r, fieldEnd, resourceKey, undefined) ?? service;
      r.pos = fieldEnd;
    }
  }
  return service;
}

function scopeSpans(d: Decoding, end: number, service: AttrValue): void {
  const r = d.r;
  let index = 0;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t !== SCOPE_SPANS_SPANS) r.skip(t & 7, end);
    else {
      const spanEnd = r.lengthEnd(end);
      span(d, spanEnd);
      d.tally.add(toGenAiCall(d.draft, service), d.resource, d.scope, index++);
      r.pos = spanEnd;
    }
  }
}

function span(d: Decoding, end: number): void {
  const { r, draft, time } = d;
  resetDraft(draft);
  while (r.pos < end) {
    const t = r.tag(end);
    switch (t) {
      case SPAN_START:
        r.fixed64(end, time);
        draft.startLo = time[0];
        draft.startHi = time[1];
        break;
      case SPAN_END:
        r.fixed64(end, time);
        draft.endLo = time[0];
        draft.endHi = time[1];
        break;
      case SPAN_ATTRIBUTES: {
        const fieldEnd = r.lengthEnd(end);
        keyValue(r, fieldEnd, spanKey, draft.attrs);
        r.pos = fieldEnd;
        break;
      }
      case SPAN_STATUS:
        status(r, r.lengthEnd(end), draft);
        break;
      default:
        r.skip(t & 7, end);
    }
  }
}

/** Status.message is decoded only for a failed span, the one case it is shown. */
function status(r: WireReader, end: number, draft: SpanDraft): void {
  let messageStart = -1;
  let messageEnd = -1;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === STATUS_CODE) draft.statusCode = r.varint(end);
    else if (t === STATUS_MESSAGE) {
      const fieldEnd = r.lengthEnd(end);
      messageStart = r.pos;
      messageEnd = r.pos = fieldEnd;
    } else r.skip(t & 7, end);
  }
  if (draft.statusCode === 2 && messageEnd > messageStart) draft.statusMessage = r.buf.toString('utf8', messageStart, messageEnd);
}

/**
 * One KeyValue: the key's bytes are matched first and the value decoded only for a wanted key.
 * Into `slots` at the key's index when given; otherwise the value is returned (the resource's one key).
 */
function keyValue(r: WireReader, end: number, match: (buf: Buffer, start: number, end: number) => number, slots: AttrValue[] | undefined): AttrValue {
  let keyStart = -1, keyEnd = -1, valueStart = -1, valueEnd = -1;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === KEY_VALUE_KEY || t === KEY_VALUE_VALUE) {
      const fieldEnd = r.lengthEnd(end);
      if (t === KEY_VALUE_KEY) {
        keyStart = r.pos;
        keyEnd = fieldEnd;
      } else {
        valueStart = r.pos;
        valueEnd = fieldEnd;
      }
      r.pos = fieldEnd;
    } else r.skip(t & 7, end);
  }
  if (keyStart < 0) return undefined;
  const index = match(r.buf, keyStart, keyEnd);
  if (index < 0) return undefined;
  let value: AttrValue;
  if (valueStart >= 0) {
    r.pos = valueStart;
    value = anyValue(r, valueEnd, slots === undefined || cacheable[index]!);
  }
  if (slots !== undefined) slots[index] = value;
  return value;
}

/** AnyValue's scalar cases; arrays, key lists and bytes are not values any wanted key takes. */
function anyValue(r: WireReader, end: number, cache: boolean): AttrValue {
  let value: AttrValue;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ANY_STRING) {
      const fieldEnd = r.lengthEnd(end);
      value = cache ? texts.decode(r.buf, r.pos, fieldEnd) : r.buf.toString('utf8', r.pos, fieldEnd);
      r.pos = fieldEnd;
    } else if (t === ANY_INT) value = r.int64(end);
    else if (t === ANY_DOUBLE) value = r.double(end);
    else if (t === ANY_BOOL) value = r.varint(end) !== 0;
    else {
      r.skip(t & 7, end);
      value = undefined;
    }
  }
  return value;
}
