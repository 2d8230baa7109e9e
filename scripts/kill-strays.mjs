#!/usr/bin/env node
// Kills what a CI run left behind (`.ci/run` calls it on exit): every kernel of this checkout's tslab that
// one of our scripts started in a private Jupyter env (and outlived its server) — never a kernel of the
// user's own Jupyter. Such a straggler holds the pipes of whoever started it, and a held pipe once kept CI
// waiting until its time limit. Prints what it killed.
import { join } from 'node:path';
import { PRIVATE_JUPYTER_PREFIX, PROJECT_ROOT, killProcessesMentioning } from './notebook-lib.mjs';

const killed = killProcessesMentioning(join(PROJECT_ROOT, 'node_modules', 'tslab'), PRIVATE_JUPYTER_PREFIX);
if (killed.length) console.error(`kill-strays: killed ${killed.length} leftover kernel process(es): ${killed.join(', ')}`);
