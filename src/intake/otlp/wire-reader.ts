/**
 * The protobuf wire format, only as far as OTLP needs it (https://protobuf.dev/programming-guides/encoding/):
 * varints, fixed64/fixed32 and length-delimited fields, each read within the end of the message
 * that holds it. A read past that end, a varint over 10 bytes or a group (wire types 3 and 4,
 * which OTLP never uses) throws WireError, which the decoder turns into its typed answer; every
 * read moves forward, so no input can make a loop spin.
 */
export class WireError extends Error {}

const truncated = (): never => {
  throw new WireError('the message ends in the middle of a field (truncated or not OTLP protobuf)');
};

/** Rare (no token count or id is that large), so BigInt here costs nothing. */
const exact = (hi: number, lo: number, sign: string): string => sign + ((BigInt(hi) << 32n) | BigInt(lo)).toString();

/**
 * A cursor over the bytes. Methods rather than module functions: loaders that rewrite ESM (tsx,
 * vitest) turn each imported function into a getter call, which cost a third of the decode time.
 */
export class WireReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** A varint as a double: exact up to 2^53, which covers every length, tag, enum and token count. */
  varint(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) return truncated();
    let byte = buf[pos++]!;
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let value = byte & 0x7f;
    let scale = 128;
    for (let i = 1; i < 10; i++) {
      if (pos >= end) return truncated();
      byte = buf[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = pos;
        return value;
      }
      scale *= 128;
    }
    throw new WireError('a varint runs over 10 bytes');
  }

  /**
   * A varint read as int64, by its two 32-bit halves so two's-complement negatives (10-byte
   * varints) come back as the small negative numbers they are, not as a rounded 2^64 - n. Past
   * 2^53 a number would be rounded, so such a value comes back as its exact decimal text, as
   * OTLP/JSON carries it.
   */
  int64(end: number): number | string {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) return truncated();
      const byte = buf[pos++]!;
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (byte < 0x80) {
        this.pos = pos;
        lo >>>= 0;
        hi >>>= 0;
        if (hi < 0x80000000) return hi < 0x200000 ? hi * 4294967296 + lo : exact(hi, lo, '');
        const negLo = (~lo + 1) >>> 0;
        const negHi = (~hi + (negLo === 0 ? 1 : 0)) >>> 0;
        return negHi < 0x200000 ? -(negHi * 4294967296 + negLo) : exact(negHi, negLo, '-');
      }
    }
    throw new WireError('a varint runs over 10 bytes');
  }

  /** The field tag next; 0 is never a valid one. */
  tag(end: number): number {
    const value = this.varint(end);
    if (value < 8) throw new WireError(`field number 0 is not valid protobuf (tag ${value})`);
    return value;
  }

  /** The end of the length-delimited field whose length comes next; the reader is left at its first byte. */
  lengthEnd(end: number): number {
    const length = this.varint(end);
    const fieldEnd = this.pos + length;
    if (fieldEnd > end) return truncated();
    return fieldEnd;
  }

  /** A fixed64 as its low and high 32-bit halves, into out[0] and out[1]. */
  fixed64(end: number, out: [number, number]): void {
    const pos = this.pos;
    if (pos + 8 > end) truncated();
    const b = this.buf;
    out[0] = (b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16)) + b[pos + 3]! * 0x1000000;
    out[1] = (b[pos + 4]! | (b[pos + 5]! << 8) | (b[pos + 6]! << 16)) + b[pos + 7]! * 0x1000000;
    this.pos = pos + 8;
  }

  double(end: number): number {
    if (this.pos + 8 > end) truncated();
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** Steps over a field of the given wire type: an unknown field, or one this decoder does not need. */
  skip(wireType: number, end: number): void {
    if (wireType === 0) this.varint(end);
    else if (wireType === 2) this.pos = this.lengthEnd(end);
    else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      if (this.pos + size > end) truncated();
      this.pos += size;
    } else throw new WireError(`wire type ${wireType} is not used by OTLP (groups are deprecated)`);
  }
}

/**
 * The keys a decoder wants, matched against key bytes in place: only a match is ever decoded into
 * a string. Candidates are grouped by length and compared from the end, where "gen_ai.usage.input_tokens"
 * and "gen_ai.usage.output_tokens" differ first.
 */
export function keyMatcher(keys: readonly string[]): (buf: Buffer, start: number, end: number) => number {
  const encoded = keys.map((key) => Buffer.from(key, 'utf8'));
  const longest = Math.max(...encoded.map((bytes) => bytes.length));
  // Dense, one (possibly empty) list per length: a hole would send every lookup down the slow path.
  const byLength: Buffer[][] = Array.from({ length: longest + 1 }, () => []);
  const indexes: number[][] = Array.from({ length: longest + 1 }, () => []);
  encoded.forEach((bytes, index) => {
    byLength[bytes.length]!.push(bytes);
    indexes[bytes.length]!.push(index);
  });
  return (buf, start, end) => {
    const length = end - start;
    if (length > longest) return -1;
    const candidates = byLength[length]!;
    for (let c = 0; c < candidates.length; c++) {
      const bytes = candidates[c]!;
      let i = length - 1;
      while (i >= 0 && buf[start + i] === bytes[i]) i--;
      if (i < 0) return indexes[length]![c]!;
    }
    return -1;
  };
}

const CACHE_SLOTS = 1024;
const CACHE_MAX_BYTES = 64;

/**
 * UTF-8 text decoded once and reused: providers, models, agents and tools repeat in nearly every
 * span, and decoding them anew was the largest single cost of a span. Direct-mapped on a hash of
 * the bytes, so it stays 1,024 short entries whatever the traffic; a miss just decodes.
 */
export class TextCache {
  private readonly keys: Array<Buffer | undefined> = new Array<Buffer | undefined>(CACHE_SLOTS).fill(undefined);
  private readonly texts: string[] = new Array<string>(CACHE_SLOTS).fill('');

  decode(buf: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > CACHE_MAX_BYTES) return buf.toString('utf8', start, end);
    let hash = 0x811c9dc5 ^ length;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const slot = (hash >>> 0) & (CACHE_SLOTS - 1);
    const cached = this.keys[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached[i] === buf[start + i]) i++;
      if (i === length) return this.texts[slot]!;
    }
    const text = buf.toString('utf8', start, end);
    this.keys[slot] = Buffer.from(buf.subarray(start, end));
    this.texts[slot] = text;
    return text;
  }
}
