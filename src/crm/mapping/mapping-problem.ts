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

/** "<title> (2 problems):" and one indented line per problem. */
export function problemsMessage (title: string, problems: MappingProblem[]): string {
  return `${title} (${problems.length === 1 ? '1 problem' : `${problems.length} problems`}):\n  ${problems.map(formatProblem).join('\n  ')}`
}

/** A mapping file that cannot be used: every problem found, one per line. */
export class MappingFileError extends Error {
  readonly problems: MappingProblem[]
  constructor (problems: MappingProblem[]) {
    super(problemsMessage('The field mapping file cannot be used', problems))
    this.name = 'MappingFileError'
    this.problems = problems
  }
}
