"""Signs executed notebooks with nbformat's notary, so Jupyter trusts them and shows their SVG/HTML outputs.

usage: python3 nb-sign.py NOTEBOOK.ipynb ...

The signature goes into the notary's database in the Jupyter data dir of this environment (JUPYTER_DATA_DIR,
else ~/.local/share/jupyter), keyed by the notebook's content: whoever opens the file from that account sees
it trusted; a changed notebook, or one opened by another account, is untrusted (it then shows the static
image/png copies that scripts/run-notebooks.mjs puts beside every SVG). Exit status 2 on a bad notebook.
"""
import sys

try:
    import nbformat
    from nbformat.sign import NotebookNotary
except ImportError as err:  # pragma: no cover
    print(f'nb-sign: {err}; run: bash scripts/ci-deps.sh', file=sys.stderr)
    sys.exit(2)


def main(paths):
    notary = NotebookNotary()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        notary.sign(nb)
        if not notary.check_signature(nb):
            print(f'nb-sign: {path}: signature does not verify after signing', file=sys.stderr)
            return 2
        print(f'signed {path} ({notary.data_dir})')
    return 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as err:  # unreadable notebook, unwritable database, ...
        print(f'nb-sign: {type(err).__name__}: {err}', file=sys.stderr)
        sys.exit(2)
