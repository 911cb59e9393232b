/**
 * A small protobuf encoder for test fixtures: it writes an OTLP/JSON-shaped request as binary
 * ExportTraceServiceRequest, with the field numbers of opentelemetry-proto, so every fixture
 * exists in both encodings from one description. Independent of src/intake/otlp on purpose: the
 * decoder is checked against an encoder written from the .proto files, not against itself.
 */
export type AnyValueJson = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueJson[] };
  kvlistValue?: { values?: KeyValueJson[] };
  bytesValue?: string;
};
export type KeyValueJson = { key: string; value?: AnyValueJson };
export type SpanJson = {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValueJson[];
  droppedAttributesCount?: number;
  events?: Array<{ timeUnixNano?: string; name?: string; attributes?: KeyValueJson[] }>;
  links?: Array<{ traceId?: string; spanId?: string; attributes?: KeyValueJson[] }>;
  status?: { code?: number; message?: string };
  flags?: number;
};
export type ScopeSpansJson = { scope?: { name?: string; version?: string; attributes?: KeyValueJson[] }; spans?: SpanJson[]; schemaUrl?: string };
export type ResourceSpansJson = { resource?: { attributes?: KeyValueJson[]; droppedAttributesCount?: number }; scopeSpans?: ScopeSpansJson[]; schemaUrl?: string };
export type TracesJson = { resourceSpans?: ResourceSpansJson[] };

/** `reversed` writes every message's fields last to first: protobuf allows any order, and decoders must cope. */
export type EncodeOptions = { reversed?: boolean };

const VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

class Writer {
  private parts: Array<{ field: number; make: () => number[] }> = [];
  constructor(private readonly options: EncodeOptions) {}

  varint(field: number, value: number | bigint | string): this {
    return this.push(field, () => [...key(field, VARINT), ...varint(BigInt.asUintN(64, BigInt(value)))]);
  }
  fixed64(field: number, value: number | bigint | string): this {
    return this.push(field, () => {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)));
      return [...key(field, FIXED64), ...bytes];
    });
  }
  double(field: number, value: number): this {
    return this.push(field, () => {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleLE(value);
      return [...key(field, FIXED64), ...bytes];
    });
  }
  fixed32(field: number, value: number): this {
    return this.push(field, () => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32LE(value);
      return [...key(field, FIXED32), ...bytes];
    });
  }
  bytes(field: number, value: Uint8Array): this {
    return this.push(field, () => [...key(field, LEN), ...varint(BigInt(value.length)), ...value]);
  }
  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }
  message(field: number, write: (w: Writer) => void): this {
    return this.push(field, () => {
      const inner = new Writer(this.options);
      write(inner);
      const body = inner.finish();
      return [...key(field, LEN), ...varint(BigInt(body.length)), ...body];
    });
  }
  finish(): number[] {
    // Reversed by field number only: a repeated field keeps its elements in order, or the spans would be reordered.
    const parts = this.options.reversed ? [...this.parts].sort((a, b) => b.field - a.field) : this.parts;
    return parts.flatMap((part) => part.make());
  }
  private push(field: number, make: () => number[]): this {
    this.parts.push({ field, make });
    return this;
  }
}

const key = (field: number, wire: number) => varint(BigInt((field << 3) | wire));

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

const hex = (value: string) => Buffer.from(value, 'hex');

function anyValue(w: Writer, v: AnyValueJson): void {
  if (v.stringValue !== undefined) w.string(1, v.stringValue);
  if (v.boolValue !== undefined) w.varint(2, v.boolValue ? 1 : 0);
  if (v.intValue !== undefined) w.varint(3, v.intValue);
  if (v.doubleValue !== undefined) w.double(4, v.doubleValue);
  if (v.arrayValue !== undefined) w.message(5, (a) => (v.arrayValue!.values ?? []).forEach((item) => a.message(1, (x) => anyValue(x, item))));
  if (v.kvlistValue !== undefined) w.message(6, (l) => (v.kvlistValue!.values ?? []).forEach((kv) => l.message(1, (x) => keyValue(x, kv))));
  if (v.bytesValue !== undefined) w.bytes(7, Buffer.from(v.bytesValue, 'base64'));
}

function keyValue(w: Writer, kv: KeyValueJson): void {
  w.string(1, kv.key);
  if (kv.value !== undefined) w.message(2, (x) => anyValue(x, kv.value!));
}

const attributes = (w: Writer, field: number, list: KeyValueJson[] | undefined) => (list ?? []).forEach((kv) => w.message(field, (x) => keyValue(x, kv)));

function span(w: Writer, s: SpanJson): void {
  if (s.traceId !== undefined) w.bytes(1, hex(s.traceId));
  if (s.spanId !== undefined) w.bytes(2, hex(s.spanId));
  if (s.parentSpanId !== undefined) w.bytes(4, hex(s.parentSpanId));
  if (s.name !== undefined) w.string(5, s.name);
  if (s.kind !== undefined) w.varint(6, s.kind);
  if (s.startTimeUnixNano !== undefined) w.fixed64(7, s.startTimeUnixNano);
  if (s.endTimeUnixNano !== undefined) w.fixed64(8, s.endTimeUnixNano);
  attributes(w, 9, s.attributes);
  if (s.droppedAttributesCount !== undefined) w.varint(10, s.droppedAttributesCount);
  for (const e of s.events ?? []) {
    w.message(11, (x) => {
      if (e.timeUnixNano !== undefined) x.fixed64(1, e.timeUnixNano);
      if (e.name !== undefined) x.string(2, e.name);
      attributes(x, 3, e.attributes);
    });
  }
  for (const l of s.links ?? []) {
    w.message(13, (x) => {
      if (l.traceId !== undefined) x.bytes(1, hex(l.traceId));
      if (l.spanId !== undefined) x.bytes(2, hex(l.spanId));
      attributes(x, 4, l.attributes);
    });
  }
  if (s.status !== undefined) {
    w.message(15, (x) => {
      if (s.status!.message !== undefined) x.string(2, s.status!.message);
      if (s.status!.code !== undefined) x.varint(3, s.status!.code);
    });
  }
  if (s.flags !== undefined) w.fixed32(16, s.flags);
}

/** ExportTraceServiceRequest (collector/trace/v1/trace_service.proto) from its OTLP/JSON form. */
export function encodeTraces(request: TracesJson, options: EncodeOptions = {}): Buffer {
  const w = new Writer(options);
  for (const rs of request.resourceSpans ?? []) {
    w.message(1, (x) => {
      if (rs.resource !== undefined) {
        x.message(1, (r) => {
          attributes(r, 1, rs.resource!.attributes);
          if (rs.resource!.droppedAttributesCount !== undefined) r.varint(2, rs.resource!.droppedAttributesCount);
        });
      }
      for (const ss of rs.scopeSpans ?? []) {
        x.message(2, (y) => {
          if (ss.scope !== undefined) {
            y.message(1, (sc) => {
              if (ss.scope!.name !== undefined) sc.string(1, ss.scope!.name);
              if (ss.scope!.version !== undefined) sc.string(2, ss.scope!.version);
              attributes(sc, 3, ss.scope!.attributes);
            });
          }
          for (const s of ss.spans ?? []) y.message(2, (z) => span(z, s));
          if (ss.schemaUrl !== undefined) y.string(3, ss.schemaUrl);
        });
      }
      if (rs.schemaUrl !== undefined) x.string(3, rs.schemaUrl);
    });
  }
  return Buffer.from(w.finish());
}

export type WireField = { field: number; value: number | Buffer };

/** The top-level fields of a protobuf message (varint and length-delimited only): enough to read OTLP's answers. */
export function readFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const varintAt = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  while (pos < bytes.length) {
    const key = varintAt();
    const wire = key & 7;
    if (wire === VARINT) fields.push({ field: key >> 3, value: varintAt() });
    else if (wire === LEN) {
      const length = varintAt();
      fields.push({ field: key >> 3, value: Buffer.from(bytes.subarray(pos, pos + length)) });
      pos += length;
    } else throw new Error(`readFields: wire type ${wire} not expected in an OTLP answer`);
  }
  return fields;
}
