/**
 * Peer: fastify + @fastify/http-proxy (reply-from over undici). One undici Pool per upstream, or
 * a BalancedPool over several: connections 256, pipelining 1, keep-alive 60 s (the fair setup
 * from the field notes). Usage: node fastify-proxy.mjs http://127.0.0.1:A,http://127.0.0.1:B
 * [--tls=cert.pem,key.pem [--http2]]: terminate TLS (and offer h2 next to HTTP/1.1 by ALPN).
 */
import { readFileSync } from 'node:fs';
import fastifyHttpProxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import { BalancedPool, Pool } from 'undici';

const targets = (process.argv[2] ?? '').split(',').filter(Boolean);
if (targets.length === 0) throw new Error('usage: fastify-proxy.mjs <upstream,...>');

const poolOptions = { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 };
const dispatcher =
  targets.length > 1 ? new BalancedPool(targets, poolOptions) : new Pool(targets[0], poolOptions);

const tlsArg = process.argv.find((a) => a.startsWith('--tls='))?.slice('--tls='.length);
const http2 = process.argv.includes('--http2');
const tls = tlsArg
  ? (([cert, key]) => ({ cert: readFileSync(cert), key: readFileSync(key) }))(tlsArg.split(','))
  : undefined;

const app = Fastify({
  logger: false,
  keepAliveTimeout: 120_000,
  bodyLimit: 2 ** 31,
  ...(tls ? { https: http2 ? { ...tls, allowHTTP1: true } : tls } : {}),
  ...(http2 ? { http2: true } : {}),
});
await app.register(fastifyHttpProxy, { upstream: targets[0], undici: dispatcher });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: true, port: Number(new URL(address).port) })}\n`);
process.on('SIGTERM', () => process.exit(0));
