export { createSalesforceConnector, type SalesforceConnectorOptions } from './connector.ts'
export type { SalesforceAuth } from './connection.ts'
export { SALESFORCE_OBJECTS } from './external-id-fields.ts'
export { splitName, toSalesforceContact, toSalesforceDate, toSalesforceEvent, toSalesforceTask, type SalesforceRecord } from './mapping.ts'
