import { readFileSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { buildEntries } from './build-entries.ts'
import { ENTITIES, mappingFileSchema, type RawMappingFile } from './file-schema.ts'
import { MappingFileError, type MappingProblem } from './mapping-problem.ts'
import type { FieldMapping, MappingSpec, ObjectMapping } from './mapping-types.ts'
import { parseLocated } from './yaml-lines.ts'

/** The file as people know it: relative to the working directory when it is inside it. */
export function displayName (path: string): string {
  const rel = relative(process.cwd(), resolve(path))
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel
}

function pathText (path: ReadonlyArray<PropertyKey>): string {
  return path.map((key, i) => typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`).join('')
}

/**
 * Reads and checks a mapping file (YAML; JSON is YAML too). Throws MappingFileError listing
 * every problem with its line. `inUse` are the objects this deployment writes: each needs a
 * section (the others may be left out).
 */
export function loadMappingFile (path: string, spec: MappingSpec, inUse: readonly string[]): FieldMapping {
  const file = displayName(path)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new MappingFileError([{ file, path: '', message: `cannot read the mapping file (${(error as NodeJS.ErrnoException).code ?? String(error)})` }])
  }
  const located = parseLocated(text)
  if (located.errors.length > 0) {
    throw new MappingFileError(located.errors.map((error) => ({ file, line: error.line, path: '', message: `not valid YAML: ${error.message}` })))
  }

  const parsed = mappingFileSchema(spec).safeParse(located.value ?? {})
  if (!parsed.success) {
    throw new MappingFileError(parsed.error.issues.map((issue): MappingProblem => {
      const at = issue.path.filter((key): key is string | number => typeof key !== 'symbol')
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
      return {
        file,
        line: keys[0] !== undefined ? located.keyLine(at, keys[0]) : located.lineOf(at),
        path: pathText(keys[0] !== undefined ? [...at, keys[0]] : at),
        message: issue.message
      }
    }))
  }

  const data = parsed.data as RawMappingFile
  const problems: MappingProblem[] = []
  const objects: Record<string, ObjectMapping> = {}
  for (const entity of ENTITIES) {
    for (const object of spec.objects[entity]) {
      const raw = data[entity]?.[object]
      if (raw === undefined) {
        if (inUse.includes(object)) {
          problems.push({ file, line: located.keyLine([], entity), path: `${entity}.${object}`, message: `no mapping for the ${spec.crm} ${object} this deployment writes: add a "${object}:" list under "${entity}:"` })
        }
        continue
      }
      const built = buildEntries(located, file, spec, entity, object, raw)
      problems.push(...built.problems)
      objects[object] = { entity, object, line: located.keyLine([entity], object) ?? 1, path: `${entity}.${object}`, entries: built.entries }
    }
  }
  if (problems.length > 0) throw new MappingFileError(problems)
  return { file, objects }
}
