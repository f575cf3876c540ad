// PromQL words that are not metric names.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2'])

/**
 * The metric names a PromQL expression reads. Enough of a parser for dashboards and rules:
 * strings, label matchers, ranges and subqueries, label lists, offsets and Grafana
 * variables are removed; then a word is a metric unless it is a number, a keyword, or a
 * function or aggregation (followed by `(`).
 */
export function metricNamesIn (expr: string): string[] {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/#.*$/gm, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?\w+/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
  const names: string[] = []
  for (const [, number, word, call] of text.matchAll(/(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([A-Za-z_:][\w:]*)(\s*\()?/gi)) {
    if (number !== undefined || call !== undefined || word === undefined || KEYWORDS.has(word.toLowerCase())) continue
    names.push(word)
  }
  return [...new Set(names)]
}
