/** An HTTP call to Salesforce got no answer within the connector's timeout. */
export class SalesforceTimeoutError extends Error {
  readonly timeoutMs: number
  constructor (timeoutMs: number, url: string) {
    super(`Salesforce did not answer within ${timeoutMs} ms (${url.replace(/\?.*$/, '')})`)
    this.name = 'SalesforceTimeoutError'
    this.timeoutMs = timeoutMs
  }
}
