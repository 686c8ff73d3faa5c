#!/usr/bin/env node
// The `helios-test-backends` executable. A committed file rather than dist/bin.js itself, so
// package managers can link the bin before the first build (no warning on a fresh clone).
import '../dist/bin.js';
