-- Up Migration

-- The dashboard's search finds a customer's deliveries by what each event is about: its
-- customer_id when it names one, else its conversation_id (message.received and
-- conversation.updated name only the conversation).
CREATE INDEX webhook_events_subject ON webhook_events ((coalesce(payload->'data'->>'customer_id', payload->'data'->>'conversation_id')))
  WHERE payload IS NOT NULL;

-- Down Migration
DROP INDEX webhook_events_subject;
