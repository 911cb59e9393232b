import type { ServerResponse } from 'node:http';

/**
 * OTLP/HTTP answers (OTLP specification, "OTLP/HTTP Response"): ExportTraceServiceResponse on
 * success, google.rpc.Status on failure, in the encoding the request used, with the same
 * Content-Type. Both messages are small enough to write by hand.
 */
export type OtlpEncoding = 'protobuf' | 'json';

const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** google.rpc.Code values: OTLP clients do not act on them, but log them. */
export const RPC_CODE = { invalidArgument: 3, resourceExhausted: 8, unavailable: 14, unauthenticated: 16 } as const;

/** 200 with partial_success only when spans were rejected: the spec wants it unset otherwise. */
export function sendExportResponse(res: ServerResponse, encoding: OtlpEncoding, rejected: number, errorMessage: string | undefined): void {
  if (encoding === 'json') {
    const body = rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: errorMessage ?? '' } } : {};
    return send(res, 200, encoding, Buffer.from(JSON.stringify(body)));
  }
  if (rejected === 0) return send(res, 200, encoding, Buffer.alloc(0));
  // ExportTracePartialSuccess: rejected_spans = 1 (int64), error_message = 2 (string).
  const partial = Buffer.concat([field(1, 0, varint(rejected)), lengthDelimited(2, Buffer.from(errorMessage ?? '', 'utf8'))]);
  // ExportTraceServiceResponse: partial_success = 1.
  send(res, 200, encoding, lengthDelimited(1, partial));
}

export function sendStatus(res: ServerResponse, httpStatus: number, encoding: OtlpEncoding, code: number, message: string, headers: Record<string, string> = {}): void {
  const body =
    encoding === 'json'
      ? Buffer.from(JSON.stringify({ code, message }))
      : // google.rpc.Status: code = 1 (int32), message = 2 (string).
        Buffer.concat([field(1, 0, varint(code)), lengthDelimited(2, Buffer.from(message, 'utf8'))]);
  send(res, httpStatus, encoding, body, headers);
}

function send(res: ServerResponse, status: number, encoding: OtlpEncoding, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': CONTENT_TYPES[encoding], 'content-length': body.length, ...headers });
  res.end(body);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

const field = (number: number, wireType: number, payload: Buffer): Buffer => Buffer.concat([varint(number * 8 + wireType), payload]);
const lengthDelimited = (number: number, payload: Buffer): Buffer => field(number, 2, Buffer.concat([varint(payload.length), payload]));
