-- Runs stopped through the API (DELETE /api/playbooks/{id}, recorded before it answers 202) or
-- seen closing CANCELLED. A stopped run's email that was not claimed by then is refused, and it
-- holds no send slot for an email that did not go out.
create table run_cancellations (
    run_id       text primary key,
    workflow_id  text        not null,
    requested_at timestamptz not null default now()
);
