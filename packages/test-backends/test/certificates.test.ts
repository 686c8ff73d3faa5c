import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createTestCertificateAuthority } from '../src/certificates.js';

async function handshake(
  server: { cert: string; key: string; ca?: string; requestCert?: boolean },
  client: { ca: string; servername: string; cert?: string; key?: string },
): Promise<{ authorized: boolean; error?: string; peer?: string }> {
  const tlsServer = createServer({ ...server, rejectUnauthorized: true }, (socket) =>
    socket.end('ok'),
  );
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  const { port } = tlsServer.address() as AddressInfo;
  try {
    const socket: TLSSocket = connect({ host: '127.0.0.1', port, ...client });
    return await new Promise((resolve) => {
      socket.once('secureConnect', () => {
        resolve({
          authorized: socket.authorized,
          peer: String(socket.getPeerCertificate().subject?.CN),
        });
        socket.destroy();
      });
      socket.once('error', (error) =>
        resolve({
          authorized: false,
          error: (error as NodeJS.ErrnoException).code ?? error.message,
        }),
      );
    });
  } finally {
    tlsServer.close();
  }
}

describe('createTestCertificateAuthority', () => {
  it('issues server certificates that a client trusting the CA verifies by name and IP', async () => {
    const authority = await createTestCertificateAuthority();
    const leaf = await authority.issue({ names: ['api.test', '127.0.0.1'] });
    const parsed = new X509Certificate(leaf.cert);
    expect(parsed.subjectAltName).toBe('DNS:api.test, IP Address:127.0.0.1');
    expect(parsed.checkIssued(new X509Certificate(authority.ca.cert))).toBe(true);
    expect(await handshake(leaf, { ca: authority.ca.cert, servername: 'api.test' })).toEqual({
      authorized: true,
      peer: 'api.test',
    });
  });

  it('is refused for a name the certificate does not carry, or by a client trusting another CA', async () => {
    const authority = await createTestCertificateAuthority();
    const other = await createTestCertificateAuthority('Other CA');
    const leaf = await authority.issue({ names: ['api.test'] });
    const wrongName = await handshake(leaf, { ca: authority.ca.cert, servername: 'web.test' });
    expect(wrongName.error).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const wrongCa = await handshake(leaf, { ca: other.ca.cert, servername: 'api.test' });
    expect(wrongCa.error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('issues client certificates for mutual TLS, and honours the validity window', async () => {
    const authority = await createTestCertificateAuthority();
    const server = await authority.issue({ names: ['localhost'] });
    const client = await authority.issue({ names: ['client-1'], usage: 'client' });
    const result = await handshake(
      { ...server, ca: authority.ca.cert, requestCert: true },
      { ca: authority.ca.cert, servername: 'localhost', ...client },
    );
    expect(result.authorized).toBe(true);
    const expired = await authority.issue({
      names: ['old.test'],
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    expect(new X509Certificate(expired.cert).validTo).toMatch(/GMT$/);
    expect(
      (await handshake(expired, { ca: authority.ca.cert, servername: 'old.test' })).error,
    ).toBe('CERT_HAS_EXPIRED');
  });
});
