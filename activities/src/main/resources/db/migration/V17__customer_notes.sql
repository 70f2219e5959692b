-- Notes a CSM writes on a customer, and calls and meetings they log (kind, when, with whom), kept
-- beside the notes the playbooks write with an outcome (kind NOTE, with a run and step). Bodies are
-- kept verbatim; an erasure blanks body and with_whom (PersonalData.erase).
alter table crm_notes add column kind text not null default 'NOTE';
alter table crm_notes add column occurred_at timestamptz;
alter table crm_notes add column with_whom text;
create index crm_notes_customer_idx on crm_notes (customer_id, created_at desc, id desc);
-- A task's completion note, shown on the customer's page and timeline.
create index crm_tasks_closed_customer_idx on crm_tasks (customer_id, closed_at desc)
    where status = 'DONE';
