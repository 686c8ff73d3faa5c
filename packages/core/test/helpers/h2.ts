/**
 * HTTP/2 over TLS for tests: a throwaway CA and certificate, a TLS server on loopback offering
 * `h2` and `http/1.1` by ALPN that hands each connection to the proxy (`proxy.accept`), and a
 * small promise wrapper around Node's http2 client.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import {
  createTestCertificateAuthority,
  type PemPair,
  type TestCertificateAuthority,
} from '@helios/test-backends';
import type { HeliosProxy } from '../../src/proxy.js';

let authority: Promise<{ ca: TestCertificateAuthority; leaf: PemPair }> | undefined;

/** One CA and a `localhost`/127.0.0.1 certificate per test file. */
export function testCertificates(): Promise<{ ca: TestCertificateAuthority; leaf: PemPair }> {
  authority ??= (async () => {
    const ca = await createTestCertificateAuthority();
    return { ca, leaf: await ca.issue({ names: ['localhost', '127.0.0.1'] }) };
  })();
  return authority;
}

export interface TlsFront {
  server: Server;
  port: number;
  origin: string;
  /** PEM of the CA that signed the server certificate. */
  caCert: string;
  close(): void;
}

/** A TLS port in front of `proxy`: ALPN `h2` and `http/1.1`, both served by the proxy. */
export async function startTlsFront(proxy: HeliosProxy): Promise<TlsFront> {
  const { ca, leaf } = await testCertificates();
  const server = createServer(
    { cert: leaf.cert, key: leaf.key, ALPNProtocols: ['h2', 'http/1.1'] },
    (socket: TLSSocket) => proxy.accept(socket),
  );
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `https://localhost:${port}`,
    caCert: ca.ca.cert,
    close: () => server.close(),
  };
}

export interface H2Response {
  headers: IncomingHttpHeaders;
  body: Buffer;
  trailers: IncomingHttpHeaders | undefined;
}

export function h2connect(front: TlsFront): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(front.origin, { ca: front.caCert });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

/** Reads a stream's whole response. Rejects on a reset (`err.code` ERR_HTTP2_STREAM_ERROR). */
export function h2response(stream: ClientHttp2Stream): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      headers = h;
    });
    stream.on('trailers', (t) => {
      trailers = t;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ headers, body: Buffer.concat(chunks), trailers }));
    stream.on('error', (err: Error) => reject(Object.assign(err, { rstCode: stream.rstCode })));
    stream.on('close', () => {
      if (stream.rstCode !== undefined && stream.rstCode !== 0) {
        reject(
          Object.assign(new Error(`stream reset ${stream.rstCode}`), { rstCode: stream.rstCode }),
        );
      }
    });
  });
}

/** One request on `session`; `body` is sent whole and the stream ended. */
export function h2request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body?: string | Buffer,
): Promise<H2Response> {
  const stream = session.request(headers, { endStream: body === undefined });
  const response = h2response(stream);
  if (body !== undefined) stream.end(body);
  return response;
}
