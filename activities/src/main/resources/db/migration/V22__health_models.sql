-- The health model as versioned data (docs/playbooks.md, "Health score"): drafts, the one
-- published version, and the versions it replaced. The shipped default becomes version 1 the first
-- time the app scores or reads the model (HealthModels), from health/default-model.json.
create table health_models (
    version      integer primary key,
    status       text        not null check (status in ('DRAFT', 'PUBLISHED', 'SUPERSEDED')),
    definition   text        not null,
    created_by   text        not null,
    created_at   timestamptz not null,
    note         text,
    published_by text,
    published_at timestamptz
);

-- Exactly one published version at a time.
create unique index health_models_one_published on health_models ((true)) where status = 'PUBLISHED';

-- Each score says which model version computed it (or whose bands it was put in, for a score the
-- backend sent itself: source BACKEND, without metrics or components). Scores before V22: null.
alter table health_scores
    add column model_version integer references health_models (version),
    add column source text not null default 'COMPUTED' check (source in ('COMPUTED', 'BACKEND')),
    alter column usage_score drop not null,
    alter column engagement_score drop not null,
    alter column support_score drop not null,
    alter column queries_per_week drop not null,
    alter column features_used drop not null,
    alter column logins_per_week drop not null,
    alter column email_open_rate drop not null,
    alter column open_tickets drop not null,
    alter column sentiment drop not null;

-- V9's functions held the seed formula as constants; the scoring SQL now takes the published
-- model's parameters (HealthModelSql), so they are gone rather than left to mislead.
drop function health_band(integer);
drop function health_score(numeric, numeric, numeric);
drop function health_support(integer, text);
drop function health_engagement(integer, double precision);
drop function health_usage(integer, integer);
