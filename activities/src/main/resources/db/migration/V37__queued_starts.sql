-- The runs a metrics batch decided to start (a customer's health crossed into a playbook),
-- written in the same transaction as the scores that crossed: a crash between the score and the
-- start cannot lose the crossing (the next score of that customer would no longer be one). A row
-- lives until its run is started, found running already, or kept out (a cancellation being
-- handled, the playbook's entry rules); then it is deleted. due_at is when the row may be taken
-- next: a start being made leases it until then, a start that failed waits out its backoff there.
create table queued_starts (
    id          bigserial   primary key,
    customer_id text        not null references customers (id) on delete cascade,
    playbook    text        not null,
    score       integer     not null,
    plan_usage  float8      not null,
    queued_at   timestamptz not null default now(),
    due_at      timestamptz not null,
    attempts    integer     not null default 0,
    last_error  text
);

create index queued_starts_due on queued_starts (due_at);
