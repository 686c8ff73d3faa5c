/** What the results were measured on: cores, CPU model, memory, tool and package versions. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { wrkVersion } from './load.mjs';
import { nativeVersions } from './native.mjs';

const require = createRequire(import.meta.url);

function pkgVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return undefined;
  }
}

function isVirtual() {
  try {
    return /^flags\s*:.*\bhypervisor\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return undefined;
  }
}

function cpuModel() {
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    return m ? m[1].trim() : os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model;
  }
}

export function machineInfo() {
  return {
    nproc: os.cpus().length,
    cpu: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    virtualMachine: isVirtual(),
    node: process.version,
    versions: {
      undici: pkgVersion('undici'),
      'http-proxy': pkgVersion('http-proxy'),
      fastify: pkgVersion('fastify'),
      '@fastify/http-proxy': pkgVersion('@fastify/http-proxy'),
      autocannon: pkgVersion('autocannon'),
      wrk: wrkVersion(),
      ...nativeVersions(),
    },
  };
}
