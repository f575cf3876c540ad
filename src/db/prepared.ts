import { createHash } from 'node:crypto'
import type pg from 'pg'

/**
 * Named prepared statements for the hot path. An unnamed statement is parsed, analysed
 * and planned on every execution; for pg-boss's 3 KB job insert that was most of the
 * naive baseline's PostgreSQL CPU per delivery and a large share of ours (docs/benchmarks.md). A named one is parsed once per
 * connection (node-postgres remembers which connection prepared which name), and after a
 * few executions PostgreSQL may keep a generic plan. The name is derived from the text,
 * so one text always has one name.
 *
 * Behind PgBouncer in transaction mode this needs PgBouncer ≥ 1.21 with
 * `max_prepared_statements` set (README, Operations).
 */
export function prepared (text: string): (values: unknown[]) => pg.QueryConfig {
  const name = statementName(text)
  return (values) => ({ name, text, values })
}

/** A query for text that is not a constant of ours (pg-boss's): named while few texts were seen. */
export function preparedIfFew (text: string, values?: unknown[]): pg.QueryConfig {
  const name = names.size < MAX_NAMES || names.has(text) ? statementName(text) : undefined
  return name === undefined ? { text, values } : { name, text, values }
}

// pg-boss builds its statements per queue and option set: a handful of texts in all. The
// cap guards against texts that embed values: each name stays prepared on every
// connection for its lifetime.
const MAX_NAMES = 1000
const names = new Map<string, string>()

function statementName (text: string): string {
  let name = names.get(text)
  if (name === undefined) {
    name = `ac_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
    names.set(text, name)
  }
  return name
}
