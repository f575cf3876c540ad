import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_HUBSPOT_MAPPING_FILE } from '../../src/crm/hubspot/mapping-spec.ts'
import { DEFAULT_SALESFORCE_MAPPING_FILE } from '../../src/crm/salesforce/mapping-spec.ts'

const dir = mkdtempSync(join(tmpdir(), 'agentclara-mapping-'))
// Each test file runs in its own process: its mapping files go with it.
process.once('exit', () => { rmSync(dir, { recursive: true, force: true }) })
let count = 0

/** Writes a mapping file for one test and returns its path. */
export function writeMapping (text: string): string {
  const path = join(dir, `mapping-${++count}.yml`)
  writeFileSync(path, text)
  return path
}

/**
 * The shipped default file of a CRM with some lines changed. Each edit's `from` must occur in
 * the file, so a test cannot silently edit nothing.
 */
export function editedDefault (crm: 'hubspot' | 'salesforce', edits: Array<[from: string, to: string]>): { path: string, text: string } {
  let text = readFileSync(crm === 'hubspot' ? DEFAULT_HUBSPOT_MAPPING_FILE : DEFAULT_SALESFORCE_MAPPING_FILE, 'utf8')
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the default ${crm} mapping has no "${from}"`)
    text = text.replace(from, to)
  }
  return { path: writeMapping(text), text }
}

/** 1-based line of the first line containing `needle`. */
export function lineOf (text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle))
  if (index < 0) throw new Error(`no line contains "${needle}"`)
  return index + 1
}
