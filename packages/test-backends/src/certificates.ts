/**
 * A throwaway certificate authority for tests, demos and local development: a CA and the leaf
 * certificates it signs (servers by DNS name or IP, clients for mutual TLS), all in memory as PEM.
 * Keys are ECDSA P-256 made by Node's WebCrypto, so a whole PKI takes milliseconds and needs no
 * `openssl` binary. Never use these for anything but loopback testing.
 */
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto is the standard one; the cast only bridges the DOM and Node type names.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** A certificate and its private key, both PEM (the key as PKCS#8). */
export interface PemPair {
  cert: string;
  key: string;
}

export interface LeafOptions {
  /** DNS names and IP addresses for the subjectAltName; the first is also the common name. */
  names: readonly string[];
  /** `server` (the default) for a TLS server, `client` for mutual TLS. */
  usage?: 'server' | 'client';
  /** Validity window; the default is from one day ago to 30 days ahead. */
  notBefore?: Date;
  notAfter?: Date;
}

export interface TestCertificateAuthority {
  /** The CA certificate (trust it: `ca: authority.ca.cert`) and its key. */
  readonly ca: PemPair;
  /** A leaf certificate signed by this CA. */
  issue(options: LeafOptions): Promise<PemPair>;
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

async function keyPem(keys: KeyPair): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

function newKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<KeyPair>;
}

function serial(): string {
  // Positive, 16 random bytes: unique enough that no two test certificates ever collide.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function altNames(names: readonly string[]): x509.JsonGeneralName[] {
  return names.map((name) =>
    isIP(name) === 0 ? { type: 'dns', value: name } : { type: 'ip', value: name },
  );
}

/** Creates a fresh CA named `commonName` (default "Helios Test CA"), valid for a year. */
export async function createTestCertificateAuthority(
  commonName = 'Helios Test CA',
): Promise<TestCertificateAuthority> {
  const caKeys = await newKeys();
  const subject = `CN=${commonName}`;
  const now = Date.now();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const ca: PemPair = { cert: caCert.toString('pem'), key: await keyPem(caKeys) };

  return {
    ca,
    async issue({ names, usage = 'server', notBefore, notAfter }: LeafOptions): Promise<PemPair> {
      const first = names[0];
      if (first === undefined) throw new TypeError('issue() needs at least one name');
      const keys = await newKeys();
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${first}`,
        issuer: caCert.subject,
        notBefore: notBefore ?? new Date(Date.now() - DAY_MS),
        notAfter: notAfter ?? new Date(Date.now() + 30 * DAY_MS),
        signingAlgorithm: ALGORITHM,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([
            usage === 'server'
              ? x509.ExtendedKeyUsage.serverAuth
              : x509.ExtendedKeyUsage.clientAuth,
          ]),
          new x509.SubjectAlternativeNameExtension(altNames(names)),
          await x509.AuthorityKeyIdentifierExtension.create(caCert),
        ],
      });
      return { cert: cert.toString('pem'), key: await keyPem(keys) };
    },
  };
}
