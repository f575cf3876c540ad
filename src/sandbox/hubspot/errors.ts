import { randomUUID } from 'node:crypto'
import type { Response } from 'express'

/** HubSpot's error body: what the SDK deserializes into its `Error` model. */
export interface HubspotErrorBody {
  status: 'error'
  message: string
  correlationId: string
  category: string
  subCategory?: string
  context?: Record<string, string[]>
  errors?: Array<{ message: string, code?: string, context?: Record<string, string[]> }>
}

export function errorBody (category: string, message: string, extra: Partial<HubspotErrorBody> = {}): HubspotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra }
}

export function sendError (res: Response, status: number, category: string, message: string, extra: Partial<HubspotErrorBody> = {}): void {
  res.status(status).json(errorBody(category, message, extra))
}

/** One failed property value, in the shape HubSpot embeds in "Property values were not valid". */
export interface PropertyIssue {
  isValid: false
  message: string
  error: 'PROPERTY_DOESNT_EXIST' | 'READ_ONLY_VALUE' | 'INVALID_OPTION' | 'INVALID_DATETIME' | 'INVALID_INTEGER' | 'INVALID_BOOLEAN' | 'REQUIRED_PROPERTY'
  name: string
}

/** HubSpot puts the JSON of the failed values inside the message text; clients grep it. */
export function propertyIssuesMessage (issues: PropertyIssue[]): string {
  return `Property values were not valid: ${JSON.stringify(issues.map((issue) => ({ ...issue, localizedErrorMessage: issue.message })))}`
}

/** Thrown by the store for request-level failures; routes turn it into a response. */
export class SandboxHttpError extends Error {
  readonly status: number
  readonly body: HubspotErrorBody
  constructor (status: number, category: string, message: string, extra: Partial<HubspotErrorBody> = {}) {
    super(message)
    this.status = status
    this.body = errorBody(category, message, extra)
  }
}

export function validationError (issues: PropertyIssue[]): SandboxHttpError {
  return new SandboxHttpError(400, 'VALIDATION_ERROR', propertyIssuesMessage(issues))
}
