-- The console's pages (ConsoleReads) stay under 100 ms with 10 000 customers and 50 000 runs:
-- the running playbooks of each customer in the customer list and a CSM's running runs by their
-- next step come from small partial indexes over the running runs only;
create index playbook_runs_running_customer_idx on playbook_runs (customer_id) include (playbook)
    where status = 'RUNNING';
create index playbook_runs_running_next_idx on playbook_runs (next_step_at) where status = 'RUNNING';
-- each customer's latest score (the list's health, trend and risk order) is an index-only read;
create index health_scores_latest_idx on health_scores (customer_id, scored_at desc, id desc)
    include (score, band, trend);
-- and the lead dashboard's escalations (tasks handed to a manager) in a date range.
create index crm_tasks_manager_created_idx on crm_tasks (created_at) where assignee = 'MANAGER';
