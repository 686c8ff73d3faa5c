/**
 * gRPC through Helios with `upstreamHttp2: true`: a real `@grpc/grpc-js` client speaks h2 over
 * TLS to Helios' own TLS listener (`tls:` in helios.yaml), Helios dispatches over h2 (ALPN) to a real grpc-js server behind a private CA.
 * Unary and server-streaming calls, status codes and messages (trailers, and trailers-only
 * answers), custom trailing metadata, and deadlines: `grpc-timeout` reaches the server, and a
 * client that gives up cancels the server's call through Helios.
 *
 * The service is defined by hand with JSON messages: the wire framing (length-prefixed
 * messages, HTTP/2 trailers) is what a proxy must carry, and protobuf adds nothing to that.
 */
import {
  type ClientDuplexStream,
  type ClientReadableStream,
  credentials,
  type handleBidiStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  Metadata,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxy, type HeliosProxy } from '../src/proxy.js';
import { waitFor } from './helpers/harness.js';
import { TestRoundRobin } from './helpers/strategy.js';
import { type TlsFixture, tlsFixture, YAML_HEAD } from './helpers/tls-setup.js';

interface Ask {
  text: string;
  /** Answer with this gRPC status instead (and `text` as its message). */
  fail?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Server streaming: how many replies. */
  count?: number;
}

interface Reply {
  text: string;
  index?: number;
  /** What the server saw of the call. */
  deadline?: boolean;
  forwardedProto?: string;
}

const json = {
  serialize: (value: unknown): Buffer => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer): never => JSON.parse(bytes.toString('utf8')) as never,
};

const definition = {
  say: {
    path: '/helios.test.Talk/Say',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  count: {
    path: '/helios.test.Talk/Count',
    requestStream: false,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  chat: {
    path: '/helios.test.Talk/Chat',
    requestStream: true,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies ServiceDefinition;

const TalkClient = makeGenericClientConstructor(definition, 'Talk');

interface TalkClientApi {
  say(
    ask: Ask,
    metadata: Metadata,
    options: { deadline?: number },
    cb: (err: ServiceError | null, reply?: Reply) => void,
  ): { on(event: 'status', fn: (s: { metadata: Metadata }) => void): void };
  count(ask: Ask): ClientReadableStream<Reply>;
  chat(options?: { deadline?: number }): ClientDuplexStream<Ask, Reply>;
  close(): void;
}

let fx: TlsFixture;
let grpcServer: Server;
let grpcPort: number;
/** Calls the server saw cancelled (the client gave up, and Helios passed the reset on). */
let cancelled = 0;

const say: handleUnaryCall<Ask, Reply> = (call, callback) => {
  const ask = call.request;
  const answer = (): void => {
    if (ask.fail !== undefined) {
      callback({ code: ask.fail, details: ask.text });
      return;
    }
    const trailer = new Metadata();
    trailer.set('x-served-by', 'grpc-backend');
    callback(
      null,
      {
        text: `hello ${ask.text}`,
        deadline: Number.isFinite(call.getDeadline() as number),
        forwardedProto: String(call.metadata.get('x-forwarded-proto')[0] ?? ''),
      },
      trailer,
    );
  };
  if (ask.delayMs === undefined) {
    answer();
    return;
  }
  const timer = setTimeout(answer, ask.delayMs);
  call.on('cancelled', () => {
    cancelled++;
    clearTimeout(timer);
  });
};

const count: handleServerStreamingCall<Ask, Reply> = (call) => {
  const ask = call.request;
  for (let index = 0; index < (ask.count ?? 0); index++) call.write({ text: ask.text, index });
  if (ask.fail !== undefined) call.emit('error', { code: ask.fail, details: 'stopped early' });
  else call.end();
};

/** Bidirectional: one reply per message, as each arrives. */
const chat: handleBidiStreamingCall<Ask, Reply> = (call) => {
  call.on('data', (ask: Ask) => call.write({ text: `re: ${ask.text}` }));
  call.on('end', () => call.end());
};

beforeAll(async () => {
  fx = await tlsFixture();
  await fx.write('site.pem', fx.server.cert);
  await fx.write('site-key.pem', fx.server.key);
  grpcServer = new Server();
  grpcServer.addService(definition, { say, count, chat });
  grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync(
      '127.0.0.1:0',
      ServerCredentials.createSsl(null, [
        { cert_chain: Buffer.from(fx.server.cert), private_key: Buffer.from(fx.server.key) },
      ]),
      (err, port) => (err ? reject(err) : resolve(port)),
    ),
  );
});

afterAll(async () => {
  grpcServer.forceShutdown();
  await fx.close();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function throughHelios(extra = ''): Promise<{ client: TalkClientApi; proxy: HeliosProxy }> {
  // The listener terminates TLS and offers h2 (http2 defaults to true with tls), as in
  // production; the backend is reached over TLS with h2 by ALPN.
  const config = await fx.load(
    `${YAML_HEAD}tls: { cert: site.pem, key: site-key.pem }\nbackends: [https://127.0.0.1:${grpcPort}]\nupstreamTls: { ca: ca.pem }\nupstreamHttp2: true\n${extra}`,
  );
  const proxy = createProxy({ config, createStrategy: () => new TestRoundRobin() });
  cleanups.push(() => proxy.close());
  const { port } = await proxy.listen();
  const client = new TalkClient(
    `127.0.0.1:${port}`,
    credentials.createSsl(Buffer.from(fx.authority.ca.cert)),
    { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' },
  ) as unknown as TalkClientApi;
  cleanups.push(() => client.close());
  return { client, proxy };
}

function unary(
  client: TalkClientApi,
  ask: Ask,
  deadlineMs?: number,
): Promise<{ err: ServiceError | null; reply?: Reply; trailers?: Metadata }> {
  return new Promise((resolve) => {
    let trailers: Metadata | undefined;
    let result: { err: ServiceError | null; reply?: Reply } | undefined;
    let statusSeen = false;
    const done = (): void => {
      if (result !== undefined && statusSeen) resolve({ ...result, trailers });
    };
    const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
    const call = client.say(ask, new Metadata(), options, (err, reply) => {
      result = { err, ...(reply === undefined ? {} : { reply }) };
      done();
    });
    call.on('status', (s) => {
      trailers = s.metadata;
      statusSeen = true;
      done();
    });
  });
}

describe('gRPC through Helios (upstreamHttp2)', () => {
  it('a unary call: the reply, grpc-status OK and the server’s trailing metadata', async () => {
    const { client } = await throughHelios();
    const { err, reply, trailers } = await unary(client, { text: 'world' });
    expect(err).toBeNull();
    expect(reply).toMatchObject({ text: 'hello world', deadline: false, forwardedProto: 'https' });
    expect(trailers?.get('x-served-by')).toEqual(['grpc-backend']);
  });

  it('an error status and its message reach the client (a trailers-only answer)', async () => {
    const { client } = await throughHelios();
    const { err } = await unary(client, { text: 'no such user', fail: status.NOT_FOUND });
    expect(err?.code).toBe(status.NOT_FOUND);
    expect(err?.details).toBe('no such user');
  });

  it('server streaming: every message in order, then the status', async () => {
    const { client } = await throughHelios();
    const replies: Reply[] = [];
    const stream = client.count({ text: 'tick', count: 5 });
    stream.on('data', (r: Reply) => replies.push(r));
    const ended = await new Promise<{ code: number }>((resolve) => stream.on('status', resolve));
    expect(ended.code).toBe(status.OK);
    expect(replies.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('server streaming that ends in an error: the messages sent, then the error status', async () => {
    const { client } = await throughHelios();
    const replies: Reply[] = [];
    const stream = client.count({ text: 'tick', count: 3, fail: status.RESOURCE_EXHAUSTED });
    stream.on('data', (r: Reply) => replies.push(r));
    const failure = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(failure.details).toBe('stopped early');
    expect(replies).toHaveLength(3);
  });

  it('deadlines: grpc-timeout reaches the server, and a call past it is cancelled end to end', async () => {
    const { client } = await throughHelios();
    const inTime = await unary(client, { text: 'quick' }, 10_000);
    expect(inTime.reply?.deadline).toBe(true);
    const before = cancelled;
    const late = await unary(client, { text: 'slow', delayMs: 5_000 }, 200);
    expect(late.err?.code).toBe(status.DEADLINE_EXCEEDED);
    // The client reset its stream; Helios aborted the upstream stream, the server saw it.
    await waitFor(() => cancelled > before, 3_000, 'the server call cancelled');
  });

  it('bidirectional streaming: each reply arrives before the next message is sent (no body buffering)', async () => {
    const { client } = await throughHelios();
    const call = client.chat({ deadline: Date.now() + 10_000 });
    const replies: string[] = [];
    const next = (): Promise<Reply> =>
      new Promise((resolve) => call.once('data', (r: Reply) => resolve(r)));
    for (const text of ['one', 'two', 'three']) {
      const reply = next();
      call.write({ text });
      replies.push((await reply).text);
    }
    call.end();
    const ended = await new Promise<{ code: number }>((resolve) => call.on('status', resolve));
    expect(ended.code).toBe(status.OK);
    expect(replies).toEqual(['re: one', 're: two', 're: three']);
  });
});
