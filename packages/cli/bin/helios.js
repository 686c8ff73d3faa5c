#!/usr/bin/env node
// The `helios` executable. A committed file rather than dist/bin.js itself, so package managers
// can link the bin before the first build (no "Failed to create bin" on a fresh clone).
import '../dist/bin.js';
