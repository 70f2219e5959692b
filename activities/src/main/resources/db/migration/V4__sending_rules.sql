-- The daily cap on automated customer emails: one reserved slot per customer per local day,
-- idempotent per run + step. (Cancellation-save emails and CSM alerts reserve nothing.)
create table email_slots (
    id          bigserial primary key,
    customer_id text        not null references customers (id),
    local_date  date        not null,
    workflow_id text        not null,
    run_id      text        not null,
    step        text        not null,
    at          timestamptz not null,
    created_at  timestamptz not null default now(),
    unique (customer_id, local_date),
    unique (run_id, step)
);
