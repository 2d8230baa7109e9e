/**
 * A plain-text table whose columns line up: each column as wide as its widest cell, text left-aligned and
 * numbers (cells that start with a digit, '−' or '-') right-aligned, in the Markdown pipe style.
 */
export function alignedTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  for (const r of rows) if (r.length !== header.length) throw new RangeError(`alignedTable: a row has ${r.length} cells, the header ${header.length}`);
  const widths = header.map((h, j) => Math.max([...h].length, ...rows.map((r) => [...r[j]].length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => /^[-−\d]/.test(r[j])));
  const pad = (cell: string, j: number) => {
    const fill = ' '.repeat(widths[j] - [...cell].length);
    return numeric[j] ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, j) => (numeric[j] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}
