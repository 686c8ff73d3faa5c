/**
 * TLS test kit: a throwaway CA (from @helios/test-backends) whose files live in a temp dir next
 * to a helios.yaml, and an HTTPS client that reports which certificate the server presented.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureVersion } from 'node:tls';
import {
  createTestCertificateAuthority,
  type LeafOptions,
  type TestCertificateAuthority,
} from '@helios/test-backends';

export interface Pki {
  dir: string;
  authority: TestCertificateAuthority;
  /** Issues a leaf and writes `<name>.pem` and `<name>-key.pem`; returns the PEM pair. */
  issue(name: string, options: LeafOptions): Promise<{ cert: string; key: string }>;
  write(file: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createPki(): Promise<Pki> {
  const dir = await mkdtemp(join(tmpdir(), 'helios-tls-'));
  const authority = await createTestCertificateAuthority();
  await writeFile(join(dir, 'ca.pem'), authority.ca.cert);
  const write = async (file: string, text: string): Promise<string> => {
    const path = join(dir, file);
    await writeFile(path, text);
    return path;
  };
  return {
    dir,
    authority,
    write,
    async issue(name, options) {
      const pair = await authority.issue(options);
      await write(`${name}.pem`, pair.cert);
      await write(`${name}-key.pem`, pair.key);
      return pair;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** CN of the certificate the server presented. */
  peer: string | undefined;
  protocol: string | null;
}

export interface HttpsOptions {
  ca: string;
  path?: string;
  method?: string;
  servername?: string;
  cert?: string;
  key?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  headers?: Record<string, string>;
  /** Keep-alive off by default: every call is a new connection (and handshake). */
  agent?: false;
}

export function httpsRequest(port: number, options: HttpsOptions): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        ca: options.ca,
        servername: options.servername ?? 'localhost',
        cert: options.cert,
        key: options.key,
        minVersion: options.minVersion,
        maxVersion: options.maxVersion,
        headers: options.headers,
        agent: false,
        // An unknown name gets the default certificate, which does not name it: accept it here
        // (the test checks which certificate it was).
        checkServerIdentity: () => undefined,
      },
      (res) => {
        const socket = res.socket as import('node:tls').TLSSocket;
        const peer = socket.getPeerCertificate().subject?.CN;
        const protocol = socket.getProtocol();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            peer: typeof peer === 'string' ? peer : undefined,
            protocol,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
