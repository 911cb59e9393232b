import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Route } from '../../http/router.js';
import type { Metrics } from '../../observability/metrics.js';
import type { IngestAuth } from '../ingest-token.js';
import { RPC_CODE, sendExportResponse, sendStatus, type OtlpEncoding } from './answer.js';
import { readOtlpBody } from './body.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import type { GenAiCall } from './genai-call.js';

export type OtlpDeps = {
  /** The ingest token, sent as OTLP exporters send headers: `Authorization: Bearer <token>`. */
  auth: IngestAuth;
  metrics: Metrics;
  logger: Logger;
  /** Bounds the body both as sent and once decompressed. */
  maxBodyBytes: number;
  /** Folds the calls durably before the request is answered; throwing makes the answer a retryable 503. */
  record(calls: GenAiCall[]): Promise<void>;
};

/** OTLP/HTTP trace intake (OTLP specification, "OTLP/HTTP"), at the spec's default path. */
export function otlpRoutes(deps: OtlpDeps): Route[] {
  return [{ method: 'POST', path: '/v1/traces', handler: (req, res) => receiveTraces(deps, req, res) }];
}

const ENCODINGS: Record<string, OtlpEncoding> = { 'application/x-protobuf': 'protobuf', 'application/protobuf': 'protobuf', 'application/json': 'json' };

async function receiveTraces(deps: OtlpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const encoding = Object.hasOwn(ENCODINGS, mediaType) ? ENCODINGS[mediaType] : undefined;
  // A refusal is answered in the request's encoding; JSON, the readable one, when it has none we know.
  const refuse = (status: number, reason: string, code: number, message: string, headers: Record<string, string> = {}) => {
    deps.metrics.rejected.inc({ path: 'otlp', reason });
    sendStatus(res, status, encoding ?? 'json', code, message, headers);
  };
  const auth = deps.auth(req.headers.authorization);
  if (!auth.ok) {
    req.resume();
    return refuse(401, 'unauthorized', RPC_CODE.unauthenticated, auth.reason, { 'www-authenticate': 'Bearer' });
  }
  if (encoding === undefined) {
    req.resume();
    const found = mediaType || 'none';
    return refuse(415, 'unsupported_media_type', RPC_CODE.invalidArgument, `expected Content-Type application/x-protobuf or application/json; found ${found}`);
  }
  const body = await readOtlpBody(req, deps.maxBodyBytes);
  if (!body.ok) return refuse(body.status, body.code, body.status === 413 ? RPC_CODE.resourceExhausted : RPC_CODE.invalidArgument, body.message);
  const decoded = encoding === 'protobuf' ? decodeTracesProtobuf(body.body) : decodeTracesJson(body.body.toString('utf8'));
  if (!decoded.ok) return refuse(400, 'invalid_traces', RPC_CODE.invalidArgument, `${decoded.reason}; nothing was recorded`);
  if (decoded.calls.length > 0) {
    try {
      await deps.record(decoded.calls);
    } catch (error) {
      deps.logger.error({ err: error, path: 'otlp' }, 'recording GenAI calls failed');
      const message = 'the spans could not be recorded right now; nothing was recorded, retry later';
      return refuse(503, 'storage_unavailable', RPC_CODE.unavailable, message, { 'retry-after': '1' });
    }
  }
  // Counted once recorded: an operator sees how much of what exporters send is GenAI, and what was dropped.
  deps.metrics.otlpSpans.inc({ outcome: 'call' }, decoded.calls.length);
  deps.metrics.otlpSpans.inc({ outcome: 'rejected' }, decoded.rejected);
  deps.metrics.otlpSpans.inc({ outcome: 'ignored' }, Math.max(0, decoded.spans - decoded.calls.length - decoded.rejected));
  sendExportResponse(res, encoding, decoded.rejected, decoded.rejectedReason);
}
