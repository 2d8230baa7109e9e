#!/usr/bin/env node
// Kills what a CI run left behind (`.ci/run` calls it on exit): every process whose command line mentions
// this checkout's tslab, i.e. a notebook kernel that outlived its server. Such a straggler holds the pipes
// of whoever started it, and a held pipe once kept CI waiting until its time limit. Prints what it killed.
import { join } from 'node:path';
import { PROJECT_ROOT, killProcessesMentioning } from './notebook-lib.mjs';

const killed = killProcessesMentioning(join(PROJECT_ROOT, 'node_modules', 'tslab'));
if (killed.length) console.error(`kill-strays: killed ${killed.length} leftover kernel process(es): ${killed.join(', ')}`);
