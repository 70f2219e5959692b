-- Slack messages to send (docs/connectors/slack.md): one row per task or alert, written in the same
-- transaction as the task or the alert's own row, and drained by a background sender, so a Slack
-- outage never holds up a playbook and nothing is lost. `message_key` makes a retried step (or a
-- second sweep over an overdue task) add nothing. The text is made when the message is sent, from
-- the task or alert row, so no personal data is copied here.
create table slack_outbox (
    id              bigserial primary key,
    message_key     text        not null unique,
    kind            text        not null
        check (kind in ('ALERT', 'URGENT_TASK', 'ESCALATION', 'SLA_BREACHED')),
    task_id         bigint references crm_tasks (id) on delete cascade,
    workflow_id     text,
    run_id          text,
    step            text,
    customer_id     text        not null,
    recipient_email text        not null,
    status          text        not null default 'PENDING'
        check (status in ('PENDING', 'SENT', 'FAILED')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    last_error_at   timestamptz,
    channel         text,
    message_ts      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz,
    failed_at       timestamptz
);
create index slack_outbox_due_idx on slack_outbox (next_attempt_at) where status = 'PENDING';
create index slack_outbox_task_idx on slack_outbox (task_id);
