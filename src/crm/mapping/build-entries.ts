import type { RawEntry } from './file-schema.ts'
import type { MappingEntry, MappingSpec } from './mapping-types.ts'
import type { MappingProblem } from './mapping-problem.ts'
import { SOURCE_FIELDS, type MappedEntity, type ValueKind } from './source-fields.ts'
import { parseStep, placeholders, STEP_KINDS, type Step } from './steps.ts'
import type { LocatedDocument } from './yaml-lines.ts'

/**
 * Turns one object's raw entries into checked MappingEntries: transforms parsed, the kind of
 * value followed through every step, placeholders and targets checked. Everything here is
 * knowable from the file alone; the CRM's schema is checked later (schema-check.ts).
 */
export function buildEntries (
  located: LocatedDocument, file: string, spec: MappingSpec, entity: MappedEntity, object: string, raw: RawEntry[]
): { entries: MappingEntry[], problems: MappingProblem[] } {
  const problems: MappingProblem[] = []
  const entries: MappingEntry[] = []
  const seen = new Map<string, number>()
  const norm = (name: string) => spec.caseInsensitive ? name.toLowerCase() : name
  const structural = new Map(Object.entries(spec.structural[object] ?? {}).map(([name, why]) => [norm(name), why]))

  raw.forEach((entry, index) => {
    const at = [entity, object, index]
    const path = `${entity}.${object}[${index}]`
    const line = located.lineOf(at) ?? 1
    const problem = (message: string, key?: string | number, step?: number) => problems.push({
      file,
      line: located.lineOf(key === undefined ? at : step === undefined ? [...at, key] : [...at, key, step]) ?? line,
      path: key === undefined ? path : `${path}.${key}${step === undefined ? '' : `[${step}]`}`,
      message
    })

    const rawSteps = entry.transform === undefined ? [] : Array.isArray(entry.transform) ? entry.transform : [entry.transform]
    const steps: Step[] = []
    rawSteps.forEach((rawStep, i) => {
      const parsed = parseStep(rawStep)
      if ('error' in parsed) problem(parsed.error, 'transform', Array.isArray(entry.transform) ? i : undefined)
      else steps.push(parsed)
    })

    const fields = SOURCE_FIELDS[entity]
    let kind: ValueKind = entry.source !== undefined ? fields[entry.source]!.kind : typeof entry.value === 'number' ? 'number' : typeof entry.value === 'boolean' ? 'boolean' : 'text'
    let finiteValues: string[] | undefined = entry.value === undefined ? undefined : [String(entry.value)]
    let flows = true
    for (const step of steps) {
      const { accepts, gives } = STEP_KINDS[step.op]
      if (!accepts.includes(kind)) {
        problem(`transform ${step.op} does not take a ${kind} value (${entry.source ?? 'the constant'} at this point): it takes ${accepts.join(' or ')}`, 'transform')
        flows = false
        break
      }
      if (step.op === 'format' || step.op === 'default') {
        for (const name of placeholders(step.template)) {
          if (name !== 'value' && !(name in fields)) problem(`{${name}} is not a ${entity} field: use {value} or one of ${Object.keys(fields).join(', ')}`, 'transform')
        }
      }
      finiteValues = step.op === 'map'
        ? [...new Set(Object.values(step.values))]
        : step.op === 'default' && finiteValues && placeholders(step.template).length === 0 ? [...finiteValues, step.template] : undefined
      kind = gives === 'same' ? kind : gives
    }
    if (flows && kind === 'list') problem(`${entry.source} is a list: add a join transform, e.g. transform: { join: ";" }`, 'transform')

    const why = structural.get(norm(entry.target))
    if (why !== undefined) problem(`"${entry.target}" is structural (${why}); the sync writes it itself, so remove this entry`, 'target')
    const earlier = seen.get(norm(entry.target))
    if (earlier !== undefined) problem(`"${entry.target}" is already the target of the entry on line ${earlier}`, 'target')
    else seen.set(norm(entry.target), located.lineOf([...at, 'target']) ?? line)

    entries.push({
      ...(entry.source !== undefined ? { source: entry.source } : { value: entry.value }),
      steps,
      target: entry.target,
      policy: entry.policy,
      empty: entry.empty,
      kind,
      ...(finiteValues ? { finiteValues } : {}),
      line: located.lineOf([...at, 'target']) ?? line,
      path
    })
  })
  return { entries, problems }
}
