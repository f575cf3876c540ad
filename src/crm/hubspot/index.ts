export { createHubspotConnector, type HubspotConnectorOptions } from './connector.ts'
export {
  ID_PROPERTY, splitName, toHubspotAppointment, toHubspotCommunication, toHubspotContact, toHubspotMeeting,
  toHubspotMessage, toHubspotNote, type UpsertInput
} from './mapping.ts'
export { API_OBJECT_TYPE, defaultHubspotMapping, loadHubspotMapping } from './mapping-spec.ts'
