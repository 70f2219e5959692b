-- Email delivery through real providers (docs/email.md).

-- The step's idempotency key (workflow id/run id/step): sent to Resend as Idempotency-Key and to
-- SendGrid as the custom argument retention_key, which SendGrid echoes in its webhook events.
alter table communications add column idempotency_key text;
update communications set idempotency_key = workflow_id || '/' || run_id || '/' || step;
create unique index communications_idempotency_key_idx on communications (idempotency_key);
create index communications_provider_message_idx on communications (provider_message_id);

-- What the provider reported after the send (DELIVERED, OPENED, CLICKED, BOUNCED, COMPLAINED,
-- UNSUBSCRIBED); status stays what our send did (SENT, FAILED, SKIPPED_SUPPRESSED, PENDING).
alter table communications add column delivery_status text;
alter table communications add column delivery_updated_at timestamptz;
-- A second provider message for the same step: the at-least-once window of a provider without
-- idempotency (SendGrid) when a worker died between the provider's accept and our commit.
alter table communications add column duplicate_message_id text;

-- Every provider webhook event applied, once: providers retry their webhooks.
create table email_events (
    id                  bigserial primary key,
    provider            text        not null,
    event_id            text        not null,
    type                text        not null,
    provider_message_id text,
    idempotency_key     text,
    communication_id    bigint references communications (id) on delete set null,
    occurred_at         timestamptz not null,
    received_at         timestamptz not null default now(),
    unique (provider, event_id)
);
create index email_events_communication_idx on email_events (communication_id);
