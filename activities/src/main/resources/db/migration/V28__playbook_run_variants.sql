-- The A/B variant each run took in each experiment of its definition (docs/playbook-definitions.md,
-- "A/B tests"), written by the run's ledger writes: once per run and experiment (the variant is a
-- pure function of customer and experiment, so a retried write carries the same). Reports group a
-- playbook's runs by experiment and variant (GET /api/reports/experiments).
create table playbook_run_variants (
    run_id      text        not null references playbook_runs (run_id) on delete cascade,
    workflow_id text        not null,
    playbook    text        not null,
    experiment  text        not null,
    variant     text        not null,
    assigned_at timestamptz not null default now(),
    primary key (run_id, experiment)
);
create index playbook_run_variants_experiment_idx on playbook_run_variants (playbook, experiment);
