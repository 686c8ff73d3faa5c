/** Temporary folders for config files, removed after each test. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'helios-cli-'));
  made.push(dir);
  return dir;
}

export async function writeConfig(
  dir: string,
  text: string,
  name = 'helios.yaml',
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
