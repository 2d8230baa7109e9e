/** Counts the drawn items of each Vega mark type in an SVG (legend symbols excluded), e.g. { symbol: 40 }. */
export function countMarks(svg: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of svg.matchAll(/<g class="mark-(\w+) role-mark[^"]*"[^>]*>(.*?)<\/g>/g)) {
    const items = (m[2].match(/<(path|line)\b/g) ?? []).length; // rules are drawn as <line>
    counts[m[1]] = (counts[m[1]] ?? 0) + items;
  }
  return counts;
}
