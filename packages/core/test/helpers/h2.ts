/**
 * HTTP/2 over TLS for tests: a throwaway CA and a `localhost`/127.0.0.1 certificate, a proxy
 * whose one listener terminates TLS with `http2: true` (ALPN h2 and http/1.1 on one port, as
 * `tls:` in helios.yaml gives), and a small promise wrapper around Node's http2 client.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  type IncomingHttpHeaders,
  type IncomingHttpStatusHeader,
  type OutgoingHttpHeaders,
} from 'node:http2';
import {
  createTestCertificateAuthority,
  type PemPair,
  type TestCertificateAuthority,
} from '@helios/test-backends';
import type { HeliosConfig } from '../../src/config/types.js';
import type { HeliosProxy } from '../../src/proxy.js';
import type { Started } from './harness.js';

let authority: Promise<{ ca: TestCertificateAuthority; leaf: PemPair }> | undefined;

/** One CA and a `localhost`/127.0.0.1 certificate per test file. */
export function testCertificates(): Promise<{ ca: TestCertificateAuthority; leaf: PemPair }> {
  authority ??= (async () => {
    const ca = await createTestCertificateAuthority();
    return { ca, leaf: await ca.issue({ names: ['localhost', '127.0.0.1'] }) };
  })();
  return authority;
}

/** `config` with its one listener terminating TLS (the certificate above) and offering h2. */
export async function withTls(config: HeliosConfig, http2 = true): Promise<HeliosConfig> {
  const { leaf } = await testCertificates();
  const listener = config.listeners[0];
  if (listener === undefined) throw new Error('the test config has no listener');
  return {
    ...config,
    listeners: [
      {
        ...listener,
        http2,
        tls: {
          certificates: [{ cert: 'site.pem', key: 'site-key.pem', at: [] }],
          minVersion: 'TLSv1.2',
          clientAuth: undefined,
          material: {
            certificates: [{ ...leaf, names: ['localhost', '127.0.0.1'] }],
            clientCa: undefined,
            files: [],
          },
        },
      },
    ],
  };
}

export interface TlsFront {
  proxy: HeliosProxy;
  port: number;
  origin: string;
  /** PEM of the CA that signed the server certificate. */
  caCert: string;
}

/** A started proxy (from the harness) whose listener is TLS with h2: its address for clients. */
export async function tlsFront(started: Started): Promise<TlsFront> {
  const { ca } = await testCertificates();
  return {
    proxy: started.proxy,
    port: started.port,
    origin: `https://localhost:${started.port}`,
    caCert: ca.ca.cert,
  };
}

export interface H2Response {
  headers: IncomingHttpHeaders & IncomingHttpStatusHeader;
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
    let headers: IncomingHttpHeaders & IncomingHttpStatusHeader = {};
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
