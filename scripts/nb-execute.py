"""Executes one notebook with nbclient; driven by scripts/run-notebooks.mjs (not meant to be run by hand).

usage: python3 nb-execute.py IN.ipynb OUT.ipynb --kernel NAME --timeout S --startup-timeout S

Runs the code cells in order in the notebook's own folder (tslab compiles with rootDir = cwd, so
`../dist/src/...` imports resolve), stops at the first failing cell, and always writes OUT (partial on
failure). tslab reports errors as stderr text plus an execute_reply with status 'error', never as an
`error` output; so on failure this script appends a real `error` output to the failing cell of OUT, which
test/notebooks/executed.test.ts then detects.

Progress goes to stdout as lines `@@MAT {json}`:
  {"event": "cell", "index": i, "seconds": s}
  {"event": "done", "ok": bool, "seconds": s, "cells": n, "failed_cell": i|null, "kind": "error"|"timeout"|"kernel"|null, "error": str|null}
Exit status: 0 ok, 1 cell failure, 2 usage or setup error.
"""
import argparse
import asyncio
import json
import os
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async
except ImportError as err:  # pragma: no cover
    print(f'nb-execute: {err}; run: bash scripts/ci-deps.sh', file=sys.stderr)
    sys.exit(2)


def emit(obj):
    print('@@MAT ' + json.dumps(obj), flush=True)


def stderr_text(cell):
    return ''.join(o.get('text', '') for o in cell.get('outputs', [])
                   if o.get('output_type') == 'stream' and o.get('name') == 'stderr')


def error_outputs_text(cell):
    parts = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'error':
            parts.append(f"{o.get('ename', '')}: {o.get('evalue', '')}")
    return '\n'.join(parts)


def mark_failed(cell, ename, text):
    """Appends an nbformat `error` output (unless the kernel already sent one)."""
    if any(o.get('output_type') == 'error' for o in cell.get('outputs', [])):
        return
    lines = text.rstrip('\n').split('\n') if text else []
    cell.setdefault('outputs', []).append(nbformat.v4.new_output(
        'error', ename=ename, evalue=(lines[0] if lines else ''), traceback=lines))


async def run(args):
    nb = nbformat.read(args.input, as_version=4)
    cwd = os.path.dirname(os.path.abspath(args.input))
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout,
                            startup_timeout=args.startup_timeout, allow_errors=False,
                            record_timing=True, resources={'metadata': {'path': cwd}})
    t0 = time.time()
    result = {'event': 'done', 'ok': True, 'cells': len(nb.cells), 'failed_cell': None, 'kind': None, 'error': None}
    index = None
    try:
        async with client.async_setup_kernel(cwd=cwd):
            msg_id = await ensure_async(client.kc.kernel_info())
            info = await client.async_wait_for_reply(msg_id)
            if info is not None and 'language_info' in info['content']:
                nb.metadata['language_info'] = info['content']['language_info']
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != 'code':
                    continue
                c0 = time.time()
                try:
                    await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                finally:
                    emit({'event': 'cell', 'index': index, 'seconds': round(time.time() - c0, 3)})
    except CellTimeoutError as err:
        cell = nb.cells[index]
        text = f'cell timed out after {args.timeout} s\n' + stderr_text(cell)
        mark_failed(cell, 'CellTimeoutError', text)
        result.update(ok=False, failed_cell=index, kind='timeout', error=text.strip())
    except CellExecutionError as err:
        cell = nb.cells[index]
        text = error_outputs_text(cell) or stderr_text(cell) or f'{err.ename}: {err.evalue}'
        mark_failed(cell, 'TslabError', text)
        result.update(ok=False, failed_cell=index, kind='error', error=text.strip())
    except DeadKernelError as err:
        text = f'kernel died: {err}'
        if index is not None:
            mark_failed(nb.cells[index], 'DeadKernelError', text)
        result.update(ok=False, failed_cell=index, kind='kernel', error=text)
    except Exception as err:  # kernel failed to start, etc.
        text = f'{type(err).__name__}: {err}'
        if index is not None:
            mark_failed(nb.cells[index], type(err).__name__, text)
        result.update(ok=False, failed_cell=index, kind='kernel', error=text)
    result['seconds'] = round(time.time() - t0, 3)
    nb.metadata.setdefault('mat', {})['executed'] = {
        'profile': os.environ.get('MAT_PROFILE', 'cpu'), 'seconds': result['seconds'], 'ok': result['ok'],
        'at': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, args.output)
    emit(result)
    return 0 if result['ok'] else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('input')
    ap.add_argument('output')
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--timeout', type=int, default=600)
    ap.add_argument('--startup-timeout', type=int, default=120)
    args = ap.parse_args()
    try:
        code = asyncio.run(run(args))
    except Exception as err:  # unreadable notebook, unwritable output, ...
        print(f'nb-execute: {type(err).__name__}: {err}', file=sys.stderr)
        code = 2
    sys.exit(code)


if __name__ == '__main__':
    main()
