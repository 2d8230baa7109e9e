#!/usr/bin/env node
// Browser end-to-end check of the notebooks as a person sees them (`npm run test:browser`).
//
// Starts Debian's classic Jupyter Notebook server (6.4) on 127.0.0.1 with a random token and this
// checkout's tslab kernel (private kernel spec and Jupyter dirs, so nothing global is touched), opens each
// notebooks/*.ipynb in headless Chromium through playwright-core, runs all cells
// (Jupyter.notebook.execute_all_cells()), waits for every code cell's execute_reply, then checks: no cell
// replied with an error, no `error` output, at least metadata.mat.expects.figures visible charts
// (<svg>/<img> with a nonzero box in an output area; 1 when the notebook declares none) and
// .tables visible HTML tables; and that the source .ipynb was not modified (autosave is switched off).
// Saves notebooks/out/screenshots/<name>.png.
// Then it opens each executed copy in notebooks/out/ (npm run notebooks) from disk WITHOUT running a cell, as
// a reader of the file would: unsigned for this server (its own notary data dir), Jupyter must show the static
// PNGs; signed with this server's notary (a copy, scripts/nb-sign.py), the SVGs. Either way at least
// metadata.mat.expects.figures visible charts, and the executed file is not modified. Exits 1 on any failure.
//
// usage: node scripts/browser-e2e.mjs [--require-deps] [--timeout S] [--profile P] [NAME_SUBSTRING ...]
//   --require-deps  fail (instead of skip, exit 0) when chromium or jupyter-notebook is missing
//   --timeout S     per-notebook limit for running all cells (default 600)
//   --profile P     MAT_PROFILE for the kernels (default $MAT_PROFILE or smoke)
//   --no-interrupt  skip the Kernel → Interrupt check (checkInterrupt); --only-interrupt runs only it
// env: MAT_CHROMIUM (default /usr/bin/chromium), MAT_E2E_HEADED=1 to watch it under a display.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { basename, join, relative } from 'node:path';
import {
  KERNEL_NAME, NOTEBOOKS_DIR, OUT_DIR, PROJECT_ROOT, findPython, fmtSeconds, killProcessesMentioning, listNotebooks, privateJupyterEnv, readExpects, readNotebook,
  scanOutputs,
} from './notebook-lib.mjs';
import { CHROMIUM_FLAGS, chromiumPath } from './svg-to-png.mjs';

const SIGNER = join(PROJECT_ROOT, 'scripts', 'nb-sign.py');

function parseArgs(argv) {
  const o = { requireDeps: false, timeout: 600, profile: process.env.MAT_PROFILE ?? 'smoke', filters: [], interrupt: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--require-deps') o.requireDeps = true;
    else if (a === '--timeout') {
      o.timeout = Number(argv[++i]);
      if (!(o.timeout > 0)) throw new RangeError(`--timeout needs a positive number, got ${argv[i]}`);
    } else if (a === '--profile') o.profile = argv[++i];
    else if (a === '--no-interrupt') o.interrupt = false;
    else if (a === '--only-interrupt') { o.interrupt = true; o.onlyInterrupt = true; }
    else if (a === '-h' || a === '--help') o.help = true;
    else if (a.startsWith('-')) throw new RangeError(`unknown option ${a}`);
    else o.filters.push(a);
  }
  return o;
}


function notebookServerVersion() {
  const r = spawnSync('jupyter', ['notebook', '--version'], { encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  return !r.error && r.status === 0 ? r.stdout.trim() : null;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Starts `jupyter notebook`; resolves once its REST API answers. */
async function startServer({ port, token, env, log }) {
  const major = Number((notebookServerVersion() ?? '6').split('.')[0]);
  // Notebook 6 takes NotebookApp.*; notebook 7 (jupyter_server) takes ServerApp.* / IdentityProvider.token.
  const app = major >= 7 ? 'ServerApp' : 'NotebookApp';
  const args = ['notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--notebook-dir=${NOTEBOOKS_DIR}`, major >= 7 ? `--IdentityProvider.token=${token}` : `--NotebookApp.token=${token}`,
    `--${app}.password=`, `--${app}.open_browser=False`];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn('jupyter', args, { cwd: NOTEBOOKS_DIR, env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`jupyter notebook exited with ${exited}:\n${log.join('')}`);
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      if (r.ok) return { child, base, major, token };
    } catch { /* not up yet */ }
    await sleep(250);
  }
  child.kill('SIGTERM');
  throw new Error(`jupyter notebook did not answer within 60 s:\n${log.join('')}`);
}

/**
 * Stops the server and everything it started. Jupyter launches kernels in their own sessions, so a server that
 * has to be SIGKILLed leaves them running, holding its stdout/stderr pipes open — and a pipe held open keeps
 * this process alive after its last line (a CI run once hung there until its time limit). Hence: kernels are
 * shut down through the REST API first, stragglers (their argv names our private runtime dir) are killed, and
 * the pipes are closed from this side.
 */
async function stopServer(server, privateRoot) {
  if (!server) return;
  await shutdownKernels(server).catch(() => {});
  if (server.child.exitCode === null && server.child.signalCode === null) {
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM'); // notebook 6: shuts down its kernels, then exits
    const t = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
  const killed = killProcessesMentioning(privateRoot);
  if (killed.length) console.error(`browser-e2e: killed ${killed.length} leftover kernel process(es): ${killed.join(', ')}`);
  server.child.stdout?.destroy();
  server.child.stderr?.destroy();
}

/** DELETEs every running kernel and waits (≤ 15 s) until the server lists none. */
async function shutdownKernels(server) {
  const url = (path) => `${server.base}${path}?token=${server.token}`;
  const list = async () => (await (await fetch(url('/api/kernels'))).json()).map((k) => k.id);
  for (const id of await list()) await fetch(url(`/api/kernels/${id}`), { method: 'DELETE' }).catch(() => {});
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (await list()).length > 0) await sleep(250);
}

/** Page-side: waits for the notebook and its kernel, turns off saving, instruments replies, runs all. */
async function runAllCells(page, timeoutMs) {
  await page.waitForFunction(() => window.Jupyter?.notebook?._fully_loaded === true, null, { timeout: 60_000 });
  await page.evaluate(() => {
    const nb = window.Jupyter.notebook;
    nb.set_autosave_interval(0);
    nb.save_notebook = () => Promise.resolve(); // never write the user's notebook
    nb.save_checkpoint = () => {};
  });
  await page.waitForFunction(() => {
    const k = window.Jupyter.notebook.kernel;
    return !!(k && k.is_connected() && k.info_reply && k.info_reply.protocol_version);
  }, null, { timeout: 120_000 });
  await page.evaluate(() => {
    const nb = window.Jupyter.notebook;
    window.__matReplies = {};
    nb.get_cells().forEach((cell, index) => {
      if (cell.cell_type !== 'code') return;
      const orig = cell._handle_execute_reply;
      cell._handle_execute_reply = function (msg) {
        window.__matReplies[index] = { status: msg.content.status, ename: msg.content.ename, evalue: msg.content.evalue };
        return orig.call(this, msg);
      };
    });
    nb.clear_all_output();
    nb.execute_all_cells();
  });
  const waitingFor = () => page.evaluate(() => window.Jupyter.notebook.get_cells()
    .map((c, i) => (c.cell_type === 'code' && c.get_text().trim() && !window.__matReplies[i] ? i : -1)).filter((i) => i >= 0));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await waitingFor();
    const dead = await page.evaluate(() => !window.Jupyter.notebook.kernel.is_connected());
    if (pending.length === 0 || dead) {
      // let the last iopub messages (outputs after the reply) land and the kernel go idle
      await page.waitForFunction(() => document.querySelector('#kernel_indicator_icon')?.classList.contains('kernel_idle_icon'), null, { timeout: 30_000 }).catch(() => {});
      await sleep(300);
      return { pending, dead };
    }
    if (Date.now() > deadline) return { pending, dead, timedOut: true };
    await sleep(250);
  }
}

/** Page-side: replies, errors, visible charts and tables. */
function inspectPage(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const areas = [...document.querySelectorAll('#notebook-container .output_subarea')];
    const charts = areas.flatMap((a) => [...a.querySelectorAll('svg, img')].filter((el) => !el.parentElement.closest('svg')));
    const tables = areas.flatMap((a) => [...a.querySelectorAll('table')]);
    const cells = window.Jupyter.notebook.get_cells();
    const problems = [];
    cells.forEach((cell, i) => {
      if (cell.cell_type !== 'code') return;
      const reply = window.__matReplies[i];
      const outs = cell.output_area.outputs;
      const stderr = outs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => o.text).join('');
      for (const o of outs) if (o.output_type === 'error') problems.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      if (reply && reply.status !== 'ok') problems.push(`cell ${i}: execute_reply ${reply.status}${reply.ename ? ` ${reply.ename}` : ''}\n${stderr.trim()}`);
    });
    return {
      charts: charts.length, visibleCharts: charts.filter(visible).length,
      chartSizes: charts.map((el) => { const r = el.getBoundingClientRect(); return `${el.tagName.toLowerCase()} ${Math.round(r.width)}x${Math.round(r.height)}`; }),
      tables: tables.length, visibleTables: tables.filter(visible).length, problems,
    };
  });
}

async function screenshot(page, file) {
  // The classic notebook scrolls inside #site, so grow the viewport to the whole notebook first.
  const h = await page.evaluate(() => {
    const header = document.querySelector('#header')?.getBoundingClientRect().height ?? 0;
    const nb = document.querySelector('#notebook-container')?.scrollHeight ?? 800;
    return Math.ceil(header + nb + 60);
  });
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(h, 800), 12_000) });
  await sleep(400);
  await page.screenshot({ path: file });
}

async function checkNotebook(browser, server, token, name, opts) {
  const src = join(NOTEBOOKS_DIR, name);
  const before = sha(src);
  const nbJson = readNotebook(src);
  const expects = readExpects(nbJson);
  const declared = nbJson?.metadata?.kernelspec?.name;
  if (declared !== KERNEL_NAME) {
    // The notebook server would open a kernel-picker dialog instead of starting a kernel.
    return { name, ok: false, seconds: 0, failures: [`metadata.kernelspec.name is ${declared}; set it to ${KERNEL_NAME}`], info: null, pageErrors: [], shot: '(none)' };
  }
  const needFigures = Math.max(expects.figures, 1);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  const failures = [];
  const shot = join(OUT_DIR, 'screenshots', `${basename(name, '.ipynb')}.png`);
  const t0 = Date.now();
  let info = null;
  try {
    await page.goto(`${server.base}/notebooks/${encodeURIComponent(name)}?token=${token}`, { waitUntil: 'domcontentloaded' });
    const run = await runAllCells(page, opts.timeout * 1000);
    if (run.timedOut) failures.push(`cells still running after ${opts.timeout} s: ${run.pending.join(', ')}`);
    if (run.dead) failures.push('kernel disconnected');
    info = await inspectPage(page);
    failures.push(...info.problems);
    if (info.visibleCharts < needFigures) failures.push(`expected at least ${needFigures} visible chart(s) (<svg>/<img> in an output area), found ${info.visibleCharts} of ${info.charts}`);
    if (info.visibleTables < expects.tables) failures.push(`expected at least ${expects.tables} visible HTML table(s), found ${info.visibleTables}`);
    await screenshot(page, shot);
    await page.evaluate(() => window.Jupyter.notebook.kernel.kill()).catch(() => {});
  } catch (err) {
    failures.push(String(err instanceof Error ? err.message : err));
    await page.screenshot({ path: shot }).catch(() => {});
  } finally {
    await context.close();
  }
  if (sha(src) !== before) failures.push(`${relative(PROJECT_ROOT, src)} was modified during the run`);
  return { name, ok: failures.length === 0, seconds: (Date.now() - t0) / 1000, failures, info, pageErrors, shot };
}

const ABLATION_NOTEBOOK = '08-ablations.ipynb';
const ALPHAS_LINE = /const alphas = \[([^\]]*)\];/;

/**
 * A researcher's edit, through Jupyter: open 08-ablations, add α = 2 to the parameters cell (in the page
 * only; saving is off) and run all — the plan must list steps to compute and the table must show the new
 * α beside the old ones; then the same edit in a fresh kernel must compute nothing (every variant cached).
 */
async function checkAblationEdit(browser, server, token) {
  // A fresh α each time (2.001 … 2.999): the project's run cache outlives this check, and an α an earlier
  // check already computed would make the first run (rightly) compute nothing.
  const newAlpha = String((2000 + randomInt(1, 1000)) / 1000);
  const src = join(NOTEBOOKS_DIR, ABLATION_NOTEBOOK);
  const before = sha(src);
  const failures = [];
  const t0 = Date.now();
  const pass = async (label) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', (d) => d.dismiss().catch(() => {}));
    try {
      await page.goto(`${server.base}/notebooks/${encodeURIComponent(ABLATION_NOTEBOOK)}?token=${token}`, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => window.Jupyter?.notebook?._fully_loaded === true, null, { timeout: 60_000 });
      const edited = await page.evaluate(([pattern, alpha]) => {
        const re = new RegExp(pattern);
        const cell = window.Jupyter.notebook.get_cells().find((c) => c.cell_type === 'code' && re.test(c.get_text()));
        if (!cell) return false;
        cell.set_text(cell.get_text().replace(re, (_, list) => `const alphas = [${list}, ${alpha}];`));
        return true;
      }, [ALPHAS_LINE.source, newAlpha]);
      if (!edited) return { failures: [`${label}: no 'const alphas = [...]' line in a code cell`] };
      const run = await runAllCells(page, 600_000);
      const info = await inspectPage(page);
      const texts = await page.evaluate(() => window.Jupyter.notebook.get_cells().map((c) => c.cell_type !== 'code' ? '' :
        c.output_area.outputs.map((o) => o.text ?? o.data?.['text/html'] ?? o.data?.['text/plain'] ?? '').join('')));
      await page.evaluate(() => window.Jupyter.notebook.kernel.kill()).catch(() => {});
      const problems = [...(run.timedOut ? [`cells still running: ${run.pending.join(', ')}`] : []), ...(run.dead ? ['kernel disconnected'] : []), ...info.problems];
      return { texts, failures: problems.map((p) => `${label}: ${p}`) };
    } finally {
      await context.close();
    }
  };
  const planLine = (texts) => texts.map((t) => /(\d+) cached, (\d+) to compute/.exec(t)).find(Boolean);
  const first = await pass('edited α, first run');
  failures.push(...first.failures);
  if (first.texts) {
    const plan = planLine(first.texts);
    if (!plan) failures.push('first run: no plan line ("N cached, M to compute")');
    else if (Number(plan[2]) === 0) failures.push(`first run: the plan computes nothing for the new α (${plan[0]})`);
    const table = first.texts.find((t) => /<table/.test(t) && /Accuracy \(%\) vs α/.test(t)) ?? '';
    for (const [alpha, cell] of [['0.5', />\s*0\.50*\s*</], [newAlpha, new RegExp(`>\\s*${newAlpha.replace('.', '\\.')}0*\\s*<`)]]) if (!cell.test(table)) failures.push(`first run: the α table has no row for α = ${alpha}`);
  }
  const second = await pass('edited α, re-run');
  failures.push(...second.failures);
  if (second.texts) {
    const plan = planLine(second.texts);
    if (!plan || Number(plan[2]) !== 0) failures.push(`re-run: expected nothing to compute, plan says ${plan ? plan[0] : '(no plan line)'}`);
  }
  if (sha(src) !== before) failures.push(`${relative(PROJECT_ROOT, src)} was modified`);
  return { name: `${ABLATION_NOTEBOOK} (α edited in the parameters cell, run twice)`, ok: failures.length === 0, seconds: (Date.now() - t0) / 1000, failures };
}

const INTERRUPT_NOTEBOOK = 'e2e-interrupt.ipynb';

/** CPU seconds (user + system) of the processes whose command line names `needle` (the kernel and its children). */
function cpuSecondsOf(needle) {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  const pids = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
      pids.push(pid);
    } catch { /* exited meanwhile */ }
  }
  return { seconds: total, pids };
}

/** Seconds after `since` until the kernel uses < 10 % of a core over a 0.5 s window (Infinity after `limit` s). */
async function secondsUntilIdle(needle, since, limit = 15) {
  for (;;) {
    const a = cpuSecondsOf(needle).seconds;
    await sleep(500);
    const b = cpuSecondsOf(needle).seconds;
    const now = (Date.now() - since) / 1000;
    if ((b - a) / 0.5 < 0.1) return now;
    if (now > limit) return Infinity;
  }
}

/**
 * Kernel → Interrupt as Jupyter sends it (POST /api/kernels/<id>/interrupt: SIGINT to the kernel process), on a
 * training cell and on a sweep cell of a throwaway notebook that trains fresh `cpu`-profile variants (minutes of
 * work) into a temp results root: within 5 s of the interrupt the kernel's CPU (from /proc) must be idle and the
 * cell must say a checkpoint was saved; re-running the cell at once must resume from that checkpoint (or be
 * refused while the first job still stops — never a second writer); the resumed job is interrupted the same way.
 */
async function checkInterrupt(browser, server, token) {
  const root = mkdtempSync(join(tmpdir(), 'mat-e2e-interrupt-'));
  const file = join(OUT_DIR, INTERRUPT_NOTEBOOK);
  const seed = randomInt(1000, 1_000_000); // a fresh model each time: nothing cached
  const code = (source) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
  const options = `{ onProgress: (e) => console.log(e.message), progressSeconds: 1, results: { root: ${JSON.stringify(root)} } }`;
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: KERNEL_NAME, display_name: 'TypeScript (MAT workbench)', language: 'typescript' } },
    cells: [
      code("import { experiments as mat } from '../..';\nawait mat.notebookSetup('cpu', 'mnist');"),
      code(`const trained = await mat.ensureTrained({ row: 'natural', seed: ${seed} }, 'cpu', 'mnist', ${options});`),
      code(`const sweep = await mat.ablate({ base: 'natural', vary: { epochs: [1, 2] }, seeds: [${seed + 1}], attacks: ['pgd'], profile: 'cpu', dataset: 'mnist' }, { ...${options}, onStep: (l) => console.log(l) });`),
      // a job left running in the background (a promise not awaited), then a second job on the same run
      code(`const background = mat.ensureTrained({ row: 'natural', seed: ${seed + 2} }, 'cpu', 'mnist', ${options});\nbackground.catch((e) => console.log(String(e)));\nawait new Promise((r) => setTimeout(r, 8000));\nconsole.log('background job started');`),
      code(`await mat.ensureTrained({ row: 'natural', seed: ${seed + 2} }, 'cpu', 'mnist', ${options});`),
    ],
  }));
  const failures = [];
  const t0 = Date.now();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  const url = (path) => `${server.base}${path}?token=${token}`;
  const outputOf = (i) => page.evaluate((index) => window.Jupyter.notebook.get_cell(index).output_area.outputs.map((o) => o.text ?? '').join(''), i);
  const execute = (i) => page.evaluate((index) => { window.Jupyter.notebook.get_cell(index).clear_output(); window.Jupyter.notebook.execute_cells([index]); }, i);
  const waitFor = async (i, pattern, seconds) => {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      const text = await outputOf(i);
      if (pattern.test(text)) return text;
      await sleep(250);
    }
    return null;
  };
  try {
    await page.goto(`${server.base}/notebooks/out/${INTERRUPT_NOTEBOOK}?token=${token}`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Jupyter?.notebook?._fully_loaded === true && window.Jupyter.notebook.kernel?.info_reply?.protocol_version, null, { timeout: 120_000 });
    await page.evaluate(() => { const nb = window.Jupyter.notebook; nb.set_autosave_interval(0); nb.save_notebook = () => Promise.resolve(); nb.save_checkpoint = () => {}; });
    const id = await page.evaluate(() => window.Jupyter.notebook.kernel.id);
    const needle = `kernel-${id}.json`;
    execute(0);
    if (!(await waitFor(0, /profile cpu|backend/i, 120))) failures.push('setup cell printed nothing in 120 s');
    for (const [cell, what] of [[1, 'training cell'], [2, 'sweep cell']]) {
      for (const round of ['first run', 're-run']) {
        const label = `${what}, ${round}`;
        await execute(cell);
        // let it train a few seconds: the kernel must be busy computing before the interrupt
        const started = await waitFor(cell, round === 'first run' ? /natural.*(training|batch)|Natural.*training/i : /resuming|in use by this process/, 180);
        if (!started) { failures.push(`${label}: never started training: ${(await outputOf(cell)).slice(-300)}`); break; }
        if (round === 're-run' && !/resuming/.test(started)) failures.push(`${label}: did not resume from the checkpoint: ${started.slice(-300)}`);
        await sleep(4000);
        const busy = cpuSecondsOf(needle);
        if (busy.pids.length === 0) { failures.push(`${label}: no process names ${needle} in /proc`); break; }
        const a = busy.seconds; await sleep(1000);
        if (cpuSecondsOf(needle).seconds - a < 0.3) failures.push(`${label}: the kernel was not computing before the interrupt`);
        const sent = Date.now();
        const r = await fetch(url(`/api/kernels/${id}/interrupt`), { method: 'POST' });
        if (!r.ok) { failures.push(`${label}: interrupt request answered ${r.status}`); break; }
        const idle = await secondsUntilIdle(needle, sent);
        console.log(`    ${label}: CPU idle ${Number.isFinite(idle) ? `${idle.toFixed(1)} s` : 'never (15 s)'} after Kernel → Interrupt`);
        if (!(idle <= 5)) failures.push(`${label}: the kernel's CPU was not idle within 5 s of the interrupt (${idle} s)`);
        const said = await waitFor(cell, /checkpoint saved in .*run it again to continue/, 10);
        if (!said) failures.push(`${label}: the cell did not say where the checkpoint is and how to resume: ${(await outputOf(cell)).slice(-400)}`);
      }
      // a second writer at once: re-run while nothing runs must resume (checked above); the lock must be gone
      const locks = spawnSync('find', [root, '-name', 'run.lock'], { encoding: 'utf8' }).stdout.trim();
      if (locks) failures.push(`${what}: run.lock left behind: ${locks}`);
    }
    // no second writer: while a background job trains a run, a cell asking for the same run is refused at once
    await execute(3);
    if (!(await waitFor(3, /background job started/, 120))) failures.push(`background job: its cell did not finish: ${(await outputOf(3)).slice(-300)}`);
    else {
      const a = cpuSecondsOf(needle).seconds; await sleep(1000);
      if (cpuSecondsOf(needle).seconds - a < 0.3) failures.push('background job: the kernel was not computing');
      await execute(4);
      const refused = await waitFor(4, /in use by this process/, 30);
      console.log(`    second job on a run in use: ${refused ? 'refused' : 'NOT refused'}`);
      if (!refused) failures.push(`second job on a run in use by a background job was not refused: ${(await outputOf(4)).slice(-300)}`);
      const sent = Date.now();
      await fetch(url(`/api/kernels/${id}/interrupt`), { method: 'POST' });
      const idle = await secondsUntilIdle(needle, sent);
      console.log(`    background job: CPU idle ${Number.isFinite(idle) ? `${idle.toFixed(1)} s` : 'never (15 s)'} after Kernel → Interrupt`);
      if (!(idle <= 5)) failures.push(`background job: the kernel's CPU was not idle within 5 s of the interrupt (${idle} s)`);
      await sleep(1000);
      const left = spawnSync('find', [root, '-name', 'run.lock'], { encoding: 'utf8' }).stdout.trim();
      if (left) failures.push(`background job: run.lock left behind after the interrupt: ${left}`);
    }
    await page.evaluate(() => window.Jupyter.notebook.kernel.kill()).catch(() => {});
  } catch (err) {
    failures.push(String(err instanceof Error ? err.message : err));
  } finally {
    await context.close();
    rmSync(file, { force: true });
    rmSync(root, { recursive: true, force: true });
  }
  return { name: 'Kernel → Interrupt on a training cell and a sweep (CPU idle ≤ 5 s, checkpoint, resume); a second job on a run in use is refused', ok: failures.length === 0, seconds: (Date.now() - t0) / 1000, failures };
}

/** Page-side: the visible charts of a loaded notebook, by tag (img = static PNG, svg = SVG), and its trust. */
function inspectLoaded(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 10 && r.height > 10 && s.visibility !== 'hidden' && s.display !== 'none' && (el.tagName !== 'IMG' || el.naturalWidth > 0);
    };
    const areas = [...document.querySelectorAll('#notebook-container .output_subarea')];
    const charts = areas.flatMap((a) => [...a.querySelectorAll('svg, img')].filter((el) => !el.parentElement.closest('svg'))).filter(visible);
    const executed = window.Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code' && c.input_prompt_number !== null && c.input_prompt_number !== undefined).length;
    return { trusted: window.Jupyter.notebook.trusted, img: charts.filter((e) => e.tagName === 'IMG').length, svg: charts.filter((e) => e.tagName !== 'IMG').length, executed };
  });
}

/**
 * Opens an executed notebook (a path under notebooks/) without running it; checks its figures are visible
 * as `want` ('img' unsigned, 'svg' signed) and that the file is left as it was.
 */
async function checkOpenedFromDisk(browser, server, token, relPath, { needFigures, want }) {
  const file = join(NOTEBOOKS_DIR, relPath);
  const before = sha(file);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  const failures = [];
  let info = null;
  try {
    await page.goto(`${server.base}/notebooks/${relPath.split('/').map(encodeURIComponent).join('/')}?token=${token}`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Jupyter?.notebook?._fully_loaded === true, null, { timeout: 60_000 });
    await page.evaluate(() => {
      const nb = window.Jupyter.notebook;
      nb.set_autosave_interval(0);
      nb.save_notebook = () => Promise.resolve();
      nb.save_checkpoint = () => {};
    });
    // images decode asynchronously
    await page.waitForFunction(() => [...document.querySelectorAll('#notebook-container .output_subarea img')].every((i) => i.complete), null, { timeout: 15_000 }).catch(() => {});
    info = await inspectLoaded(page);
    // unsigned: every figure must show as its PNG; signed: all figures show, each SVG output as an <svg>
    const svgOutputs = scanOutputs(readNotebook(file)).images.filter((i) => i.ext === 'svg').length;
    if (want === 'svg' && !info.trusted) failures.push('signed with this server\'s notary but not trusted');
    if (want === 'img' && info.trusted) failures.push('unexpectedly trusted (the check needs an unsigned copy)');
    const shown = want === 'img' ? info.img : info.img + info.svg;
    if (shown < needFigures) failures.push(`expected at least ${needFigures} visible figure(s)${want === 'img' ? ' as PNG <img>' : ''}, found ${shown} (img ${info.img}, svg ${info.svg})`);
    if (want === 'svg' && info.svg < svgOutputs) failures.push(`expected its ${svgOutputs} SVG output(s) shown as <svg>, found ${info.svg}`);
    if (info.executed === 0) failures.push('the executed copy shows no execution counts (was it executed?)');
    await page.evaluate(() => window.Jupyter.notebook.kernel?.kill()).catch(() => {});
  } catch (err) {
    failures.push(String(err instanceof Error ? err.message : err));
  } finally {
    await context.close();
  }
  if (sha(file) !== before) failures.push(`${relative(PROJECT_ROOT, file)} was modified by opening it`);
  return { failures, info };
}

/** Every executed copy in notebooks/out/, opened unsigned and signed; returns result records. */
async function checkExecutedCopies(browser, server, token, names, env, requireDeps) {
  const outDir = join(NOTEBOOKS_DIR, 'out');
  const present = names.filter((n) => existsSync(join(outDir, n)));
  if (present.length === 0) {
    const msg = 'browser-e2e: no executed notebooks in notebooks/out/ (run npm run notebooks first)';
    if (requireDeps) return [{ name: '(executed copies)', ok: false, failures: [msg] }];
    console.log(`${msg}; opening from disk skipped`);
    return [];
  }
  const python = findPython(['nbformat']);
  const results = [];
  for (const name of present) {
    const needFigures = Math.max(readExpects(readNotebook(join(NOTEBOOKS_DIR, name))).figures, 1);
    const t0 = Date.now();
    const unsigned = await checkOpenedFromDisk(browser, server, token, `out/${name}`, { needFigures, want: 'img' });
    // a signed copy (no leading dot: Jupyter refuses hidden files), signed with this server's private notary: trusted, so the SVGs show
    const copy = join(outDir, `e2e-signed-${name}`);
    let signed = { failures: [], info: null };
    try {
      copyFileSync(join(outDir, name), copy);
      const r = spawnSync(python, [SIGNER, copy], { env, encoding: 'utf8' });
      if (r.status !== 0) signed.failures.push(`nb-sign.py failed: ${(r.stderr || r.stdout).trim()}`);
      else signed = await checkOpenedFromDisk(browser, server, token, `out/e2e-signed-${name}`, { needFigures, want: 'svg' });
    } finally {
      rmSync(copy, { force: true });
    }
    const failures = [...unsigned.failures.map((f) => `unsigned: ${f}`), ...signed.failures.map((f) => `signed: ${f}`)];
    results.push({ name: `out/${name} (opened, not run)`, ok: failures.length === 0, seconds: (Date.now() - t0) / 1000, failures,
      what: `unsigned: img ${unsigned.info?.img ?? '?'}; signed: svg ${signed.info?.svg ?? '?'}` });
  }
  return results;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log('usage: node scripts/browser-e2e.mjs [--require-deps] [--timeout S] [--profile P] [NAME ...]');
    return 0;
  }
  const names = listNotebooks(opts.filters);
  const chromium = chromiumPath();
  const nbVersion = notebookServerVersion();
  const missing = [!chromium && 'chromium', !nbVersion && 'jupyter-notebook'].filter(Boolean);
  if (missing.length) {
    const msg = `browser-e2e: ${missing.join(' and ')} not installed (bash scripts/ci-deps.sh)`;
    if (opts.requireDeps) { console.error(msg); return 1; }
    console.log(`${msg}; skipped`);
    return 0;
  }
  if (names.length === 0) { console.log('browser-e2e: no notebooks; skipped'); return 0; }
  const { chromium: pw } = await import('playwright-core');
  const t0 = Date.now();
  const jup = privateJupyterEnv();
  // Private config/data/runtime dirs: no user nbextensions or config, trust database in the temp dir.
  const env = { ...process.env, ...jup.env, MAT_PROFILE: opts.profile,
    JUPYTER_CONFIG_DIR: join(jup.root, 'config'), JUPYTER_DATA_DIR: join(jup.root, 'data') };
  const token = randomBytes(16).toString('hex');
  const log = [];
  let server = null;
  let browser = null;
  const results = [];
  try {
    server = await startServer({ port: await freePort(), token, env, log });
    const serverUp = (Date.now() - t0) / 1000;
    browser = await pw.launch({ executablePath: chromium, headless: process.env.MAT_E2E_HEADED !== '1', args: CHROMIUM_FLAGS });
    console.log(`browser-e2e: notebook ${nbVersion} up in ${fmtSeconds(serverUp)}, chromium ${browser.version()}, MAT_PROFILE=${opts.profile}`);
    mkdirSync(join(OUT_DIR, 'screenshots'), { recursive: true });
    for (const name of opts.onlyInterrupt ? [] : names) {
      const r = await checkNotebook(browser, server, token, name, opts);
      results.push(r);
      const what = r.info ? `charts ${r.info.visibleCharts} [${r.info.chartSizes.join(', ')}], tables ${r.info.visibleTables}` : '';
      console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${name}  ${fmtSeconds(r.seconds)}  ${what}  -> ${relative(PROJECT_ROOT, r.shot)}`);
      for (const f of r.failures) console.error(`    ${f.split('\n').join('\n    ')}`);
      if (!r.ok && r.pageErrors.length) console.error(`    page errors: ${r.pageErrors.slice(0, 5).join(' | ')}`);
    }
    if (names.includes(ABLATION_NOTEBOOK) && !opts.onlyInterrupt) {
      const r = await checkAblationEdit(browser, server, token);
      results.push(r);
      console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}  ${fmtSeconds(r.seconds)}`);
      for (const f of r.failures) console.error(`    ${f.split('\n').join('\n    ')}`);
    }
    if (opts.interrupt) {
      const r = await checkInterrupt(browser, server, token);
      results.push(r);
      console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}  ${fmtSeconds(r.seconds)}`);
      for (const f of r.failures) console.error(`    ${f.split('\n').join('\n    ')}`);
    }
    for (const r of opts.onlyInterrupt ? [] : await checkExecutedCopies(browser, server, token, names, env, opts.requireDeps)) {
      results.push(r);
      console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}  ${fmtSeconds(r.seconds ?? 0)}  ${r.what ?? ''}`);
      for (const f of r.failures) console.error(`    ${f}`);
    }
  } catch (err) {
    console.error(`browser-e2e: ${err instanceof Error ? err.message : err}`);
    if (log.length) console.error(log.join('').split('\n').slice(-30).join('\n'));
    results.push({ name: '(setup)', ok: false });
  } finally {
    await browser?.close().catch(() => {});
    await stopServer(server, jup.root);
    jup.cleanup();
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`browser-e2e: total ${fmtSeconds((Date.now() - t0) / 1000)}`);
  console.log(`browser-e2e: ${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

// Exit explicitly: a handle someone else left open (a browser pipe, a straggler's socket) must not keep CI waiting.
main().then((code) => process.exit(code), (err) => {
  console.error(`browser-e2e: ${err instanceof Error ? err.message : err}`);
  process.exit(2);
});
