-- Reports for a manager count only their team's runs (csm_id = any(...)): read a team's runs in a
-- window from an index rather than every run in it.
create index playbook_runs_csm_started_idx on playbook_runs (csm_id, started_at);
