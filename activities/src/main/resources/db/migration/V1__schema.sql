-- Customer-success managers and the customers they own.
create table csms (
    id            text primary key,
    name          text        not null,
    email         text        not null,
    manager_email text        not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create table customers (
    id                text primary key,
    name              text           not null,
    email             text           not null,
    csm_id            text           not null references csms (id),
    plan              text           not null,
    mrr               numeric(12, 2) not null check (mrr >= 0),
    plan_usage_limit  integer        not null check (plan_usage_limit >= 0),
    timezone          text           not null,
    locale            text           not null,
    created_at        timestamptz    not null default now(),
    updated_at        timestamptz    not null default now()
);
create index customers_csm_idx on customers (csm_id);

-- Every health score ever computed, with the metrics it came from.
create table health_scores (
    id               bigserial primary key,
    customer_id      text          not null references customers (id),
    score            integer       not null check (score between 0 and 100),
    band             text          not null,
    trend            text          not null,
    usage_score      numeric(5, 2) not null,
    engagement_score numeric(5, 2) not null,
    support_score    numeric(5, 2) not null,
    queries_per_week integer       not null,
    features_used    integer       not null,
    logins_per_week  integer       not null,
    email_open_rate  numeric(4, 3) not null,
    open_tickets     integer       not null,
    sentiment        text          not null,
    plan_usage       numeric(4, 3) not null,
    scored_at        timestamptz   not null default now()
);
create index health_scores_customer_idx on health_scores (customer_id, scored_at desc);

-- The projection of playbook runs (one row per Temporal run), for listing and reports.
-- The workflow is the source of truth; it writes here through the ledger activity.
create table playbook_runs (
    run_id       text primary key,
    workflow_id  text        not null,
    playbook     text        not null,
    customer_id  text        not null references customers (id),
    csm_id       text        not null,
    status       text        not null,
    stage        text,
    outcome      text,
    next_step    text,
    next_step_at timestamptz,
    started_at   timestamptz not null,
    closed_at    timestamptz,
    updated_at   timestamptz not null default now()
);
create index playbook_runs_workflow_idx on playbook_runs (workflow_id, started_at desc);
create index playbook_runs_customer_idx on playbook_runs (customer_id, started_at desc);
create index playbook_runs_playbook_idx on playbook_runs (playbook, started_at);

-- The customer's timeline: emails, tasks, outcomes, score changes. Entries written by a run are
-- unique per run and key, so retried activities write them once.
create table timeline (
    id          bigserial primary key,
    customer_id text        not null references customers (id),
    at          timestamptz not null,
    kind        text        not null,
    playbook    text,
    workflow_id text,
    run_id      text,
    entry_key   text,
    summary     text        not null,
    unique (run_id, entry_key)
);
create index timeline_customer_idx on timeline (customer_id, at desc, id desc);

-- Every email, claimed before it is handed to a provider and completed after: one per run + step.
create table communications (
    id                  bigserial primary key,
    workflow_id         text        not null,
    run_id              text        not null,
    step                text        not null,
    customer_id         text        not null references customers (id),
    template            text        not null,
    subject             text        not null,
    to_address          text        not null,
    from_name           text        not null,
    from_address        text        not null,
    reply_to            text        not null,
    body_text           text        not null,
    status              text        not null,
    provider            text        not null,
    provider_message_id text,
    detail              text,
    created_at          timestamptz not null default now(),
    sent_at             timestamptz,
    unique (workflow_id, run_id, step)
);
create index communications_customer_idx on communications (customer_id, created_at desc);

-- Addresses that must never be emailed again (unsubscribed, hard-bounced, complained).
create table suppressions (
    email      text primary key,
    reason     text        not null,
    created_at timestamptz not null default now()
);

-- The built-in CRM.
create table crm_tasks (
    id             bigserial primary key,
    customer_id    text        not null references customers (id),
    workflow_id    text,
    run_id         text,
    step           text,
    assignee       text        not null,
    assignee_email text        not null,
    title          text        not null,
    body           text        not null,
    priority       text        not null,
    due_at         timestamptz not null,
    status         text        not null default 'OPEN',
    created_at     timestamptz not null default now(),
    unique (run_id, step)
);
create index crm_tasks_customer_idx on crm_tasks (customer_id, created_at desc);

create table crm_notes (
    id          bigserial primary key,
    customer_id text        not null references customers (id),
    workflow_id text,
    run_id      text,
    step        text,
    author      text        not null,
    body        text        not null,
    created_at  timestamptz not null default now(),
    unique (run_id, step)
);

create table crm_tags (
    customer_id text        not null references customers (id),
    tag         text        not null,
    workflow_id text,
    created_at  timestamptz not null default now(),
    primary key (customer_id, tag)
);
