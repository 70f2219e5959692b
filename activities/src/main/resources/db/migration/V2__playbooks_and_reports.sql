-- Onboarding's time to first value, for the onboarding report.
alter table playbook_runs add column first_value_at timestamptz;

create index playbook_runs_started_idx on playbook_runs (started_at);

-- Every NPS answer, as the backend reported it (the NPS report is computed from these).
create table nps_responses (
    id           bigserial primary key,
    customer_id  text        not null references customers (id),
    score        integer     not null check (score between 0 and 10),
    comment      text,
    category     text        not null,
    workflow_id  text,
    responded_at timestamptz not null default now()
);
create index nps_responses_at_idx on nps_responses (responded_at);

-- What the playbooks tell the backend (e.g. a cancellation withdrawn), one per run + step, and
-- whether the backend's webhook took it.
create table backend_notifications (
    id           bigserial primary key,
    customer_id  text        not null references customers (id),
    workflow_id  text        not null,
    run_id       text        not null,
    step         text        not null,
    type         text        not null,
    payload      text        not null,
    status       text        not null,
    created_at   timestamptz not null default now(),
    delivered_at timestamptz,
    unique (run_id, step)
);
