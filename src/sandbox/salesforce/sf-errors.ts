import type { Response } from 'express'

/** A per-record error as Salesforce puts it inside a SaveResult. */
export interface RecordError {
  statusCode: string
  message: string
  fields: string[]
}

/**
 * A whole-request failure. Salesforce answers these with an array body
 * `[{ message, errorCode, fields? }]`, which jsforce turns into an HttpApiError.
 */
export class SfRequestError extends Error {
  readonly status: number
  readonly errorCode: string
  readonly fields: string[] | undefined
  constructor (status: number, errorCode: string, message: string, fields?: string[]) {
    super(message)
    this.status = status
    this.errorCode = errorCode
    this.fields = fields
  }
}

/** The body Salesforce answers a whole-request failure with (also a failed Composite subrequest's). */
export function sfErrorBody (errorCode: string, message: string, fields?: string[]): Array<Record<string, unknown>> {
  return [{ message, errorCode, ...(fields ? { fields } : {}) }]
}

export function sendSfError (res: Response, status: number, errorCode: string, message: string, fields?: string[]): void {
  res.status(status).json(sfErrorBody(errorCode, message, fields))
}

export const notFound = () => new SfRequestError(404, 'NOT_FOUND', 'The requested resource does not exist')
