-- Tasks get a life: completed (with a note) or snoozed by a person, or closed as obsolete when
-- their run's outcome is decided; who closed it and why is kept.
alter table crm_tasks add column snoozed_until timestamptz;
alter table crm_tasks add column closed_at timestamptz;
alter table crm_tasks add column closed_by text;
alter table crm_tasks add column close_note text;
create index crm_tasks_assignee_idx on crm_tasks (lower(assignee_email), status, due_at);
create index crm_tasks_open_due_idx on crm_tasks (due_at) where status = 'OPEN';
