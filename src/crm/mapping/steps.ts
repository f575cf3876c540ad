import type { ValueKind } from './source-fields.ts'

/**
 * The fixed set of transforms a mapping entry may chain (`transform: [last_name, {truncate: 80}]`),
 * as parsed from the file, with the kinds of value each accepts and gives.
 */
export const NAMED_STEPS = ['first_name', 'last_name', 'e164', 'iso_datetime', 'epoch_ms', 'date_only', 'trim', 'capitalize', 'whole_number'] as const
export type NamedStep = typeof NAMED_STEPS[number]

export type Step =
  | { op: NamedStep }
  | { op: 'truncate', max: number }
  /** Keys are matched case-insensitively; a value without a key passes through unchanged. */
  | { op: 'map', values: Record<string, string> }
  | { op: 'join', separator: string }
  /** `{value}` is the value so far, `{field}` any source field of the same record. */
  | { op: 'format', template: string }
  /** Used when the value is unknown or empty; may use `{field}` placeholders. */
  | { op: 'default', template: string }

const TEXTUAL: ValueKind[] = ['text', 'datetime', 'date']
const SCALAR: ValueKind[] = ['text', 'datetime', 'date', 'number', 'boolean']

/** What a step accepts, and what it gives (`same`: the kind it was given). */
export const STEP_KINDS: Record<Step['op'], { accepts: ValueKind[], gives: ValueKind | 'same' }> = {
  first_name: { accepts: ['text'], gives: 'text' },
  last_name: { accepts: ['text'], gives: 'text' },
  e164: { accepts: ['text'], gives: 'text' },
  iso_datetime: { accepts: ['datetime', 'date', 'text'], gives: 'datetime' },
  epoch_ms: { accepts: ['datetime', 'date', 'text'], gives: 'number' },
  date_only: { accepts: ['datetime', 'date', 'text'], gives: 'date' },
  trim: { accepts: ['text'], gives: 'text' },
  capitalize: { accepts: ['text'], gives: 'text' },
  whole_number: { accepts: ['number'], gives: 'number' },
  truncate: { accepts: TEXTUAL, gives: 'text' },
  map: { accepts: SCALAR, gives: 'text' },
  join: { accepts: ['list'], gives: 'text' },
  format: { accepts: SCALAR, gives: 'text' },
  default: { accepts: SCALAR, gives: 'same' }
}

const USAGE = `one of ${NAMED_STEPS.join(', ')}, {truncate: N}, {map: {from: to, …}}, {join: "separator"}, {format: "…{value}…"}, {default: "…"}`

/** One transform as written in the file, or why it is not one. */
export function parseStep (raw: unknown): Step | { error: string } {
  if (typeof raw === 'string') {
    return (NAMED_STEPS as readonly string[]).includes(raw) ? { op: raw as NamedStep } : { error: `unknown transform "${raw}": use ${USAGE}` }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length !== 1) {
    return { error: `a transform is a name or a one-key object: use ${USAGE}` }
  }
  const [[op, arg]] = Object.entries(raw) as [[string, unknown]]
  switch (op) {
    case 'truncate':
      return Number.isInteger(arg) && (arg as number) > 0 ? { op, max: arg as number } : { error: 'truncate takes a whole number of characters above 0' }
    case 'map': {
      const entries = typeof arg === 'object' && arg !== null && !Array.isArray(arg) ? Object.entries(arg) : undefined
      if (!entries || entries.length === 0 || entries.some(([, to]) => typeof to !== 'string')) return { error: 'map takes an object of text values, e.g. {sms: SMS}' }
      return { op, values: Object.fromEntries(entries.map(([from, to]) => [from.toLowerCase(), to as string])) }
    }
    case 'join':
      return typeof arg === 'string' ? { op, separator: arg } : { error: 'join takes the separator as text, e.g. {join: ";"}' }
    case 'format':
    case 'default':
      return typeof arg === 'string' ? { op, template: arg } : { error: `${op} takes a text template` }
    default:
      return { error: `unknown transform "${op}": use ${USAGE}` }
  }
}

/** The `{name}` placeholders of a template. */
export function placeholders (template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string)
}

/** How the dashboard shows a step. */
export function describeStep (step: Step): string {
  switch (step.op) {
    case 'truncate': return `truncate ${step.max}`
    case 'map': return `map ${Object.entries(step.values).map(([from, to]) => `${from}→${to}`).join(', ')}`
    case 'join': return `join "${step.separator}"`
    case 'format': return `format "${step.template}"`
    case 'default': return `default "${step.template}"`
    default: return step.op
  }
}
