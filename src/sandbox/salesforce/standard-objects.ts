import { field, systemFields, whoId, type ObjectDef } from './field-defs.ts'

/**
 * The standard objects the sandbox serves (Contact, Lead, Task, Event) with the standard fields
 * we touch and their describe attributes: createable/updateable (read-only fields), nillable
 * without a default (required on create), types and lengths, per the Object Reference.
 */
export const standardObjects = (): ObjectDef[] => [
  {
    name: 'Contact',
    label: 'Contact',
    keyPrefix: '003',
    fields: [
      ...systemFields(),
      field({ name: 'FirstName', label: 'First Name', type: 'string', length: 40 }),
      field({ name: 'LastName', label: 'Last Name', type: 'string', length: 80, nillable: false }),
      field({ name: 'Name', label: 'Full Name', type: 'string', length: 121, nillable: false, createable: false, updateable: false }),
      field({ name: 'Phone', label: 'Business Phone', type: 'phone' }),
      field({ name: 'MobilePhone', label: 'Mobile Phone', type: 'phone' }),
      field({ name: 'Email', label: 'Email', type: 'email' }),
      field({ name: 'Description', label: 'Contact Description', type: 'textarea' })
    ]
  },
  {
    // https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_lead.htm:
    // LastName and Company are required (not nillable, no default); Status is defaulted on create.
    name: 'Lead',
    label: 'Lead',
    keyPrefix: '00Q',
    fields: [
      ...systemFields(),
      field({ name: 'FirstName', label: 'First Name', type: 'string', length: 40 }),
      field({ name: 'LastName', label: 'Last Name', type: 'string', length: 80, nillable: false }),
      field({ name: 'Name', label: 'Full Name', type: 'string', length: 121, nillable: false, createable: false, updateable: false }),
      field({ name: 'Company', label: 'Company', type: 'string', length: 255, nillable: false }),
      field({
        name: 'Status',
        label: 'Status',
        type: 'picklist',
        nillable: false,
        defaultValue: 'Open - Not Contacted',
        picklistValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted']
      }),
      field({ name: 'Phone', label: 'Phone', type: 'phone' }),
      field({ name: 'MobilePhone', label: 'Mobile Phone', type: 'phone' }),
      field({ name: 'Email', label: 'Email', type: 'email' }),
      field({ name: 'Description', label: 'Description', type: 'textarea' }),
      field({ name: 'IsConverted', label: 'Converted', type: 'boolean', nillable: false, createable: false, updateable: false, defaultValue: false })
    ]
  },
  {
    name: 'Task',
    label: 'Task',
    keyPrefix: '00T',
    fields: [
      ...systemFields(),
      whoId(),
      field({ name: 'Subject', label: 'Subject', type: 'combobox' }),
      field({ name: 'Description', label: 'Description', type: 'textarea' }),
      field({ name: 'ActivityDate', label: 'Due Date Only', type: 'date' }),
      field({
        name: 'Status',
        label: 'Status',
        type: 'picklist',
        nillable: false,
        defaultValue: 'Not Started',
        picklistValues: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred']
      }),
      field({ name: 'Priority', label: 'Priority', type: 'picklist', nillable: false, defaultValue: 'Normal', picklistValues: ['High', 'Normal', 'Low'] }),
      // Settable on create only: an update that sends it fails with INVALID_FIELD_FOR_INSERT_UPDATE.
      field({
        name: 'TaskSubtype',
        label: 'Task Subtype',
        type: 'picklist',
        updateable: false,
        restrictedPicklist: true,
        picklistValues: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn']
      })
    ]
  },
  {
    name: 'Event',
    label: 'Event',
    keyPrefix: '00U',
    fields: [
      ...systemFields(),
      whoId(),
      field({ name: 'Subject', label: 'Subject', type: 'combobox' }),
      field({ name: 'Description', label: 'Description', type: 'textarea' }),
      field({ name: 'Location', label: 'Location', type: 'string' }),
      field({ name: 'StartDateTime', label: 'Start Date Time', type: 'datetime' }),
      field({ name: 'EndDateTime', label: 'End Date Time', type: 'datetime' }),
      field({ name: 'ActivityDateTime', label: 'Due Date Time', type: 'datetime' }),
      field({ name: 'ActivityDate', label: 'Due Date Only', type: 'date', createable: false, updateable: false }),
      field({ name: 'DurationInMinutes', label: 'Duration', type: 'int' }),
      field({ name: 'IsAllDayEvent', label: 'All-Day Event', type: 'boolean', nillable: false, defaultValue: false })
    ]
  }
]
