-- What ends a task of a playbook defined by a team, from its definition's endsOn (the built-in
-- playbooks' tasks end as TaskEndings says, and keep these null): the run's steps that do its
-- work, the outcomes that do, and whether a decided outcome makes it moot.
alter table crm_tasks
    add column ends_on_steps          text[],
    add column ends_on_outcomes       text[],
    add column obsolete_when_decided  boolean;
