import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml'

/** A YAML document that can say on which line a value (or a key) is, for error messages. */
export interface LocatedDocument {
  value: unknown
  errors: Array<{ line?: number, message: string }>
  /** Line of the node at `path`, or of its nearest existing parent. */
  lineOf: (path: ReadonlyArray<string | number>) => number | undefined
  /** Line of the key `key` in the map at `path` (an unknown key has no node of its own). */
  keyLine: (path: ReadonlyArray<string | number>, key: string) => number | undefined
}

export function parseLocated (text: string): LocatedDocument {
  const counter = new LineCounter()
  const doc: Document = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: true })
  const line = (offset: number | undefined) => offset === undefined ? undefined : counter.linePos(offset).line
  const nodeAt = (path: ReadonlyArray<string | number>): unknown => path.length === 0 ? doc.contents : doc.getIn(path, true)

  function lineOf (path: ReadonlyArray<string | number>): number | undefined {
    for (let at = [...path]; ; at = at.slice(0, -1)) {
      const node = nodeAt(at) as { range?: [number, number, number] } | undefined
      if (node && typeof node === 'object' && node.range) return line(node.range[0])
      if (at.length === 0) return undefined
    }
  }

  function keyLine (path: ReadonlyArray<string | number>, key: string): number | undefined {
    const node = nodeAt(path)
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && String(pair.key.value) === key) return line(pair.key.range?.[0])
      }
    }
    return lineOf(path)
  }

  return {
    value: doc.errors.length === 0 ? doc.toJS() : undefined,
    errors: [...doc.errors, ...doc.warnings].map((error) => ({ line: error.linePos?.[0].line, message: error.message.split('\n')[0] ?? error.message })),
    lineOf,
    keyLine
  }
}
