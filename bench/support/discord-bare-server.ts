import { createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The floor for bench/discord.ts, run as its own process (`node --import tsx`): node:http that
 * verifies Discord's Ed25519 signature (X-Signature-Ed25519 over X-Signature-Timestamp + the raw
 * body, the key as a JWK, as adapters/discord/verify.ts does) and answers a deferred type 5, and
 * nothing else: no parsing, no database, no work after. Prints `listening <port>` when ready.
 */
const publicKeyHex = process.env.DISCORD_PUBLIC_KEY;
if (!publicKeyHex) {
  process.stderr.write('discord-bare-server: set DISCORD_PUBLIC_KEY\n');
  process.exit(2);
}
const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url') }, format: 'jwk' });
const DEFERRED = JSON.stringify({ type: 5 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const signature = req.headers['x-signature-ed25519'];
    const timestamp = req.headers['x-signature-timestamp'];
    const valid =
      typeof signature === 'string' &&
      typeof timestamp === 'string' &&
      verify(null, Buffer.concat([Buffer.from(timestamp), ...chunks]), key, Buffer.from(signature, 'hex'));
    if (!valid) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid request signature"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(DEFERRED);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
