-- The run's own start (its clock), beside started_at (the moment the API recorded the start, which
-- orders and pages the runs and so never moves once written). The onboarding report measures the
-- time to first value from this one: first_value_at is the run's clock too.
alter table playbook_runs add column run_started_at timestamptz;
