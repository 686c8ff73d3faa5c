#!/usr/bin/env node
/**
 * Writes schema/helios.schema.json from the built package (run after `pnpm build`).
 * The file is committed and published; test/config-json-schema.test.ts fails if it drifts.
 */
import { writeFile } from 'node:fs/promises';
import { renderJsonSchema } from '../dist/index.js';

const target = new URL('../schema/helios.schema.json', import.meta.url);
await writeFile(target, renderJsonSchema());
console.log(`wrote ${target.pathname}`);
