-- HubSpot as the team's CRM (docs/connectors/hubspot.md). The built-in tables stay the record the
-- console and the runs use; what HubSpot must show is put in an outbox in the same transaction as
-- the built-in write and sent by a background sender, so a HubSpot outage never fails a playbook
-- step and nothing is lost.

-- Which HubSpot company is which customer (filled by the import), and which HubSpot owner is
-- which CSM (matched by email address).
create table hubspot_companies (
    customer_id text primary key references customers (id) on delete cascade,
    company_id  text        not null unique,
    matched_by  text        not null,
    imported_at timestamptz not null default now()
);

create table hubspot_owners (
    csm_id     text primary key references csms (id) on delete cascade,
    owner_id   text        not null,
    matched_at timestamptz not null default now()
);

-- What HubSpot still has to be told. kind TASK, NOTE (a crm note), STEP (a run's timeline entry)
-- or COMPANY (the customer's health and running playbook, read when sent). step_key is ours, kept
-- on the HubSpot object (<prefix>step_key) and searched before a create, so a retry after HubSpot
-- accepted but before we recorded it finds the object instead of making a second one. version
-- counts the changes to a pending COMPANY row: a send marks it SENT only if nothing changed
-- meanwhile. leased_until keeps a claimed row from a second sender while its call is under way.
create table hubspot_outbox (
    id              bigserial primary key,
    kind            text        not null check (kind in ('TASK', 'NOTE', 'STEP', 'COMPANY')),
    step_key        text,
    customer_id     text        not null references customers (id) on delete cascade,
    ref_id          bigint,
    status          text        not null default 'PENDING'
                                check (status in ('PENDING', 'SENT', 'FAILED')),
    version         integer     not null default 0,
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    leased_until    timestamptz,
    last_error      text,
    hubspot_id      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz,
    completed_at    timestamptz
);
create unique index hubspot_outbox_step_key_idx on hubspot_outbox (step_key)
    where step_key is not null;
create unique index hubspot_outbox_company_idx on hubspot_outbox (customer_id)
    where kind = 'COMPANY' and status = 'PENDING';
create index hubspot_outbox_due_idx on hubspot_outbox (next_attempt_at) where status = 'PENDING';
create index hubspot_outbox_hubspot_id_idx on hubspot_outbox (hubspot_id) where kind = 'TASK';

-- Small facts the connector keeps: the properties created, the last poll.
create table hubspot_state (
    name       text primary key,
    value      text        not null,
    updated_at timestamptz not null default now()
);

-- The outbox is filled by triggers, so every writer (a playbook's task and note, the batch
-- scoring's SQL, the run projection) is covered by one definition, in its own transaction. Only
-- customers mapped to a HubSpot company (by the import) are queued.
create function hubspot_enqueue() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from hubspot_companies where customer_id = new.customer_id) then
    return null;
  end if;
  if tg_table_name = 'crm_tasks' then
    insert into hubspot_outbox (kind, step_key, customer_id, ref_id)
    values ('TASK', coalesce(new.run_id || '/' || new.step, 'task/' || new.id), new.customer_id,
            new.id)
    on conflict do nothing;
  elsif tg_table_name = 'crm_notes' then
    insert into hubspot_outbox (kind, step_key, customer_id, ref_id)
    values ('NOTE', coalesce(new.run_id || '/note/' || new.step, 'note/' || new.id),
            new.customer_id, new.id)
    on conflict do nothing;
  elsif tg_table_name = 'timeline' then
    insert into hubspot_outbox (kind, step_key, customer_id, ref_id)
    values ('STEP', new.run_id || '/step/' || coalesce(new.entry_key, new.id::text),
            new.customer_id, new.id)
    on conflict do nothing;
  else
    insert into hubspot_outbox (kind, customer_id) values ('COMPANY', new.customer_id)
    on conflict (customer_id) where kind = 'COMPANY' and status = 'PENDING'
    do update set version = hubspot_outbox.version + 1;
  end if;
  return null;
end $$;

create trigger crm_tasks_hubspot after insert on crm_tasks
    for each row execute function hubspot_enqueue();
create trigger crm_notes_hubspot after insert on crm_notes
    for each row execute function hubspot_enqueue();
create trigger timeline_hubspot after insert on timeline
    for each row when (new.run_id is not null) execute function hubspot_enqueue();
-- The batch scoring inserts many scores in one statement: one set-based insert per statement.
create function hubspot_enqueue_scores() returns trigger language plpgsql as $$
begin
  insert into hubspot_outbox (kind, customer_id)
  select distinct 'COMPANY', n.customer_id from new_scores n
  join hubspot_companies h on h.customer_id = n.customer_id
  on conflict (customer_id) where kind = 'COMPANY' and status = 'PENDING'
  do update set version = hubspot_outbox.version + 1;
  return null;
end $$;

create trigger health_scores_hubspot after insert on health_scores
    referencing new table as new_scores
    for each statement execute function hubspot_enqueue_scores();
create trigger playbook_runs_hubspot_new after insert on playbook_runs
    for each row execute function hubspot_enqueue();
create trigger playbook_runs_hubspot after update of status, stage on playbook_runs
    for each row when (old.status is distinct from new.status or old.stage is distinct from new.stage)
    execute function hubspot_enqueue();
