-- Every run event out (issue 17, point 4): subscriber URLs managed by admins, each with its own
-- Standard Webhooks secret and event filter; the run events captured by triggers in the same
-- transaction as the write that makes them (nothing can be missed, no extra call in the playbook);
-- a relay fans each captured event out into one delivery per matching subscription, and delivers
-- those at least once, with backoff, from this outbox. See docs/connectors/webhooks.md.

create table webhook_subscriptions (
    id          text        primary key,
    url         text        not null,
    description text,
    -- null: every event type
    event_types text[],
    enabled     boolean     not null default true,
    -- whsec_<base64>: the key the deliveries are signed with; shown once, at creation or rotation
    secret      text        not null,
    created_by  text        not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- Captured events waiting to be fanned out; a row lives until the relay has made its deliveries.
-- event_key names the event's source (the timeline row, the run and what changed), so a captured
-- event keeps its webhook-id however often it is captured.
create table webhook_events (
    id          bigserial   primary key,
    event_key   text        not null unique,
    type        text        not null,
    occurred_at timestamptz not null,
    data        jsonb       not null
);

-- One event to one subscriber: the delivery log. The payload is fixed when the delivery is made,
-- so every attempt sends the same bytes under the same webhook-id.
create table webhook_deliveries (
    id              bigserial   primary key,
    subscription_id text        not null references webhook_subscriptions (id) on delete cascade,
    event_key       text        not null,
    message_id      text        not null,
    type            text        not null,
    payload         text        not null,
    status          text        not null default 'PENDING',
    attempts        integer     not null default 0,
    last_status     integer,
    last_error      text,
    last_attempt_at timestamptz,
    next_attempt_at timestamptz not null default now(),
    delivered_at    timestamptz,
    created_at      timestamptz not null default now(),
    unique (subscription_id, event_key)
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at)
    where status = 'PENDING';
create index webhook_deliveries_log_idx on webhook_deliveries (subscription_id, id desc);
create index webhook_deliveries_delivered_idx on webhook_deliveries (delivered_at)
    where status = 'DELIVERED';

-- Breached SLAs announced, once per task.
create table webhook_sla_breaches (
    task_id     bigint      primary key,
    announced_at timestamptz not null default now()
);

-- Captures one event when an enabled subscription wants its type (nothing is kept otherwise).
create function webhook_capture(p_key text, p_type text, p_at timestamptz, p_data jsonb)
    returns void language plpgsql as $$
begin
    if exists (select 1 from webhook_subscriptions
               where enabled and (event_types is null or p_type = any (event_types))) then
        insert into webhook_events (event_key, type, occurred_at, data)
        values (p_key, p_type, coalesce(p_at, now()), jsonb_strip_nulls(p_data))
        on conflict (event_key) do nothing;
    end if;
end $$;

-- A run's steps, from its timeline: every step (run.step_completed), and emails and tasks by
-- their result. The result is the step's StepResult, the first word after "step: " in the
-- summary; the summary itself (free text) never leaves.
create function webhook_timeline_events() returns trigger language plpgsql as $$
declare
    step   text := split_part(new.entry_key, '#', 1);
    result text := substring(new.summary from '^[^:]+: ([A-Z_]+)');
    base   jsonb;
begin
    if new.run_id is null or new.entry_key is null or new.kind in ('PLAYBOOK', 'OUTCOME') then
        return null;
    end if;
    base := jsonb_build_object('workflowId', new.workflow_id, 'runId', new.run_id,
        'playbook', new.playbook, 'customerId', new.customer_id);
    if new.entry_key like 'email-event:%' then
        -- A provider's delivery event (DeliveryEvents): a bounce or complaint is a failed email.
        if new.entry_key like '%:bounced' or new.entry_key like '%:complained' then
            perform webhook_capture('timeline:' || new.id || ':email.failed', 'email.failed', new.at,
                base || jsonb_build_object('reason', split_part(new.entry_key, ':', -1)));
        end if;
        return null;
    end if;
    perform webhook_capture('timeline:' || new.id || ':run.step_completed', 'run.step_completed',
        new.at, base || jsonb_build_object('step', step, 'kind', new.kind, 'result', result));
    if new.kind = 'EMAIL' and result = 'SENT' then
        perform webhook_capture('timeline:' || new.id || ':email.sent', 'email.sent', new.at,
            base || jsonb_build_object('step', step));
    elsif new.kind = 'EMAIL' and result = 'FAILED' then
        perform webhook_capture('timeline:' || new.id || ':email.failed', 'email.failed', new.at,
            base || jsonb_build_object('step', step, 'reason', 'failed'));
    elsif new.kind = 'TASK' and result in ('TASK_CREATED', 'ESCALATED') then
        perform webhook_capture('timeline:' || new.id || ':task.created', 'task.created', new.at,
            base || jsonb_build_object('step', step, 'result', result));
    end if;
    return null;
end $$;
create trigger timeline_webhook_events after insert on timeline
    for each row execute function webhook_timeline_events();

-- A run's start, outcome and close, from the projection.
create function webhook_run_events() returns trigger language plpgsql as $$
declare
    base jsonb := jsonb_build_object('workflowId', new.workflow_id, 'runId', new.run_id,
        'playbook', new.playbook, 'customerId', new.customer_id);
begin
    if tg_op = 'INSERT' then
        perform webhook_capture('run:' || new.run_id || ':run.started', 'run.started',
            new.started_at, base);
    end if;
    if new.outcome is not null
       and (tg_op = 'INSERT' or old.outcome is distinct from new.outcome) then
        perform webhook_capture('run:' || new.run_id || ':run.outcome_recorded:' || new.outcome,
            'run.outcome_recorded', now(),
            base || jsonb_build_object('outcome', new.outcome, 'stage', new.stage));
    end if;
    if new.closed_at is not null and (tg_op = 'INSERT' or old.closed_at is null) then
        perform webhook_capture('run:' || new.run_id || ':run.closed', 'run.closed', new.closed_at,
            base || jsonb_build_object('status', new.status, 'outcome', new.outcome));
    end if;
    return null;
end $$;
create trigger playbook_runs_webhook_events after insert or update on playbook_runs
    for each row execute function webhook_run_events();

-- A run's task ended: done by a person (or the run's own work), or made moot (OBSOLETE).
create function webhook_task_events() returns trigger language plpgsql as $$
begin
    if new.run_id is not null and old.status = 'OPEN' and new.status <> 'OPEN' then
        perform webhook_capture('task:' || new.id || ':task.completed', 'task.completed',
            coalesce(new.closed_at, now()),
            jsonb_build_object('workflowId', new.workflow_id, 'runId', new.run_id,
                'playbook', (select playbook from playbook_runs where run_id = new.run_id),
                'customerId', new.customer_id, 'step', new.step, 'taskId', new.id,
                'status', new.status));
    end if;
    return null;
end $$;
create trigger crm_tasks_webhook_events after update on crm_tasks
    for each row execute function webhook_task_events();

-- What the playbooks tell the backend (CANCELLATION_WITHDRAWN, a definition's notify step) goes to
-- the subscribers too, with the same data the backend webhook carries.
create function webhook_backend_events() returns trigger language plpgsql as $$
declare
    kind text := case when new.type = 'CANCELLATION_WITHDRAWN' then 'cancellation.withdrawn'
                      else 'backend.notified' end;
begin
    perform webhook_capture('backend:' || new.id || ':' || kind, kind, new.created_at,
        jsonb_build_object('workflowId', new.workflow_id, 'runId', new.run_id,
            'playbook', (select playbook from playbook_runs where run_id = new.run_id),
            'customerId', new.customer_id, 'step', new.step, 'event', new.type,
            'detail', (new.payload::jsonb) -> 'data'));
    return null;
end $$;
create trigger backend_notifications_webhook_events after insert on backend_notifications
    for each row execute function webhook_backend_events();
