-- Crypto-shredding of Temporal histories: the payloads of a customer's runs are encrypted with a
-- data key of that customer (the codec in api/.../codec), stored here wrapped (AES-GCM) by the
-- app's codec key. Erasing the customer's personal data destroys their live keys: the wrapped key
-- is set to null, and from then on their runs' payloads decode to an "[erased]" placeholder.
-- A customer added again after an erasure gets a new key (one live key per customer).
-- No foreign key: a payload may be encrypted for a workflow id before its customer row exists.
create table customer_data_keys (
    id              text primary key,
    customer_id     text        not null,
    wrapped_key     bytea,
    wrapping_key_id text        not null,
    created_at      timestamptz not null default now(),
    destroyed_at    timestamptz,
    check ((wrapped_key is null) = (destroyed_at is not null))
);
create unique index customer_data_keys_live_idx on customer_data_keys (customer_id)
    where destroyed_at is null;

-- The latest erasure of the customer's personal data (the tombstone): a run started before it
-- writes "[erased]" in place of names, notes and subjects, however late its steps land.
alter table customers add column personal_data_erased_at timestamptz;

-- The steps of a run whose customer's personal data was erased, as the erasure kept them (step,
-- times, result; no detail): what GET /api/playbooks/{id} shows of it once its history is
-- unreadable.
create table erased_run_steps (
    run_id     text        not null,
    position   integer     not null,
    step       text        not null,
    planned_at timestamptz,
    ran_at     timestamptz,
    result     text        not null,
    primary key (run_id, position)
);
