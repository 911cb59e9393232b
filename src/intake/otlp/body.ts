import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { readBody } from '../../http/respond.js';

/**
 * An OTLP request body as bytes, decompressed. The OTLP spec lets exporters gzip (and collectors
 * also send deflate); it asks the server to bound the size after decompression too, so a small
 * gzip bomb is a 413 like a large body, and zlib stops at the bound instead of filling memory.
 */
export type OtlpBody = { ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const decompressors = { gzip: promisify(gunzip), 'x-gzip': promisify(gunzip), deflate: promisify(inflate) } as const;
type Compressed = keyof typeof decompressors;
const isCompressed = (encoding: string): encoding is Compressed => Object.hasOwn(decompressors, encoding);

export async function readOtlpBody(req: IncomingMessage, limit: number): Promise<OtlpBody> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && !isCompressed(encoding)) {
    req.resume();
    return { ok: false, status: 415, code: 'unsupported_content_encoding', message: `Content-Encoding ${encoding} is not supported; send gzip, deflate or none` };
  }
  const raw = await readBody(req, limit);
  if (!raw.ok) return raw;
  if (!isCompressed(encoding)) return raw;
  try {
    return { ok: true, body: await decompressors[encoding](raw.body, { maxOutputLength: limit }) };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, status: 413, code: 'body_too_large', message: `the request body exceeds ${limit} bytes once decompressed; send smaller batches` };
    }
    return { ok: false, status: 400, code: 'invalid_compression', message: `the body is not valid ${encoding} data (${(error as Error).message})` };
  }
}
