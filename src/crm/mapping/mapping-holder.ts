import { CrmSetupError } from '../errors.ts'
import { describeMapping, describeMappingError, type MappingDescription } from './describe-mapping.ts'
import { formatProblem, MappingFileError } from './mapping-problem.ts'
import type { FieldMapping, MappingSpec } from './mapping-types.ts'

export interface MappingHolder {
  /** The mapping, read on first use (throws MappingFileError when the file cannot be used). */
  get: () => FieldMapping
  /** For prepare(): a file that cannot be used disables the connector, naming file and lines. */
  forSetup: () => FieldMapping
  /** For crm:setup --check-mapping: the mapping, or the problems as lines. */
  orProblems: () => FieldMapping | string[]
  describe: () => MappingDescription
}

/** A connector's mapping file: read once, lazily, so a broken file surfaces in prepare(). */
export function createMappingHolder (spec: MappingSpec, file: string, inUse: readonly string[], load: () => FieldMapping): MappingHolder {
  let mapping: FieldMapping | undefined
  const get = () => { mapping ??= load(); return mapping }
  return {
    get,
    forSetup () {
      try {
        return get()
      } catch (error) {
        if (error instanceof MappingFileError) throw new CrmSetupError(error.message, { cause: error })
        throw error
      }
    },
    orProblems () {
      try {
        return get()
      } catch (error) {
        if (error instanceof MappingFileError) return error.problems.map(formatProblem)
        throw error
      }
    },
    describe () {
      try {
        return describeMapping(spec, get(), inUse)
      } catch (error) {
        return describeMappingError(spec, file, error, inUse)
      }
    }
  }
}
