/**
 * Certificates and config files for the upstream TLS tests: one throwaway CA per test file, PEM
 * files written to a temporary directory next to a helios.yaml that names them, loaded through
 * `loadConfig` as `helios start` would (so the files are really read and checked).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestCertificateAuthority,
  type PemPair,
  type TestCertificateAuthority,
} from '@helios/test-backends';
import { loadConfig } from '../../src/config/load.js';
import type { HeliosConfig } from '../../src/config/types.js';

export interface TlsFixture {
  dir: string;
  authority: TestCertificateAuthority;
  /** For 127.0.0.1 and localhost. */
  server: PemPair;
  /** For api.internal only (a name the backend URL does not carry). */
  internal: PemPair;
  client: PemPair;
  /** Writes `name` in the fixture directory. */
  write(name: string, text: string): Promise<string>;
  /** Writes helios.yaml (logging JSON, health off unless given) and loads it. */
  load(yaml: string): Promise<HeliosConfig>;
  close(): Promise<void>;
}

export async function tlsFixture(): Promise<TlsFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'helios-upstream-tls-'));
  const authority = await createTestCertificateAuthority();
  const server = await authority.issue({ names: ['localhost', '127.0.0.1'] });
  const internal = await authority.issue({ names: ['api.internal'] });
  const client = await authority.issue({ names: ['helios-proxy'], usage: 'client' });
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  await write('ca.pem', authority.ca.cert);
  await write('client.pem', client.cert);
  await write('client-key.pem', client.key);
  return {
    dir,
    authority,
    server,
    internal,
    client,
    write,
    async load(yaml) {
      const path = await write('helios.yaml', yaml);
      return loadConfig(path, {});
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The top of a test helios.yaml: loopback, ephemeral port, no health checks, no retries. */
export const YAML_HEAD = `port: 0
host: 127.0.0.1
retries: 0
logging: { format: json }
health: { active: { enabled: false }, passive: { enabled: false } }
`;
