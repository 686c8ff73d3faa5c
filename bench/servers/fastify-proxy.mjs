/**
 * Peer: fastify + @fastify/http-proxy (reply-from over undici). One undici Pool per upstream, or
 * a BalancedPool over several: connections 256, pipelining 1, keep-alive 60 s (the fair setup
 * from the field notes). Usage: node fastify-proxy.mjs http://127.0.0.1:A,http://127.0.0.1:B
 */
import fastifyHttpProxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import { BalancedPool, Pool } from 'undici';

const targets = (process.argv[2] ?? '').split(',').filter(Boolean);
if (targets.length === 0) throw new Error('usage: fastify-proxy.mjs <upstream,...>');

const poolOptions = { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 };
const dispatcher =
  targets.length > 1 ? new BalancedPool(targets, poolOptions) : new Pool(targets[0], poolOptions);

const app = Fastify({ logger: false, keepAliveTimeout: 120_000, bodyLimit: 2 ** 31 });
await app.register(fastifyHttpProxy, { upstream: targets[0], undici: dispatcher });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: true, port: Number(new URL(address).port) })}\n`);
process.on('SIGTERM', () => process.exit(0));
