/** One thing wrong with a mapping file: where it is and what to do about it. */
export interface MappingProblem {
  file: string
  /** 1-based; undefined when the problem is the file as a whole (missing, unreadable). */
  line?: number
  /** Where in the file: `customer.contacts[2].transform`. */
  path: string
  message: string
}

export function formatProblem (problem: MappingProblem): string {
  return `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`
}

/** A mapping file that cannot be used: every problem found, one per line. */
export class MappingFileError extends Error {
  readonly problems: MappingProblem[]
  constructor (problems: MappingProblem[]) {
    super(`${problems.length === 1 ? 'The field mapping has a problem' : `The field mapping has ${problems.length} problems`}:\n  ${problems.map(formatProblem).join('\n  ')}`)
    this.name = 'MappingFileError'
    this.problems = problems
  }
}
