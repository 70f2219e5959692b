-- Playbooks as data (docs/playbook-definitions.md): every version of every definition, kept for
-- good. A version is a draft until it is published; a published version never changes. Which
-- version new runs follow is the playbook's one row in playbook_definition_published; rolling back
-- is publishing an older version again. Runs carry the whole version they follow in their own
-- input, so nothing here can change a run in flight.
create table playbook_definition_versions (
  playbook_id  text        not null,
  version      integer     not null check (version >= 1),
  definition   jsonb       not null,
  status       text        not null check (status in ('DRAFT', 'PUBLISHED')),
  source       text        not null,
  note         text,
  created_by   text        not null,
  created_at   timestamptz not null default now(),
  published_by text,
  published_at timestamptz,
  primary key (playbook_id, version)
);

create table playbook_definition_published (
  playbook_id  text primary key,
  version      integer     not null,
  published_by text        not null,
  published_at timestamptz not null,
  foreign key (playbook_id, version) references playbook_definition_versions (playbook_id, version)
);

-- Every publication (rollbacks included), with who, when and why.
create table playbook_definition_publications (
  id           bigserial primary key,
  playbook_id  text        not null,
  version      integer     not null,
  published_by text        not null,
  published_at timestamptz not null,
  note         text,
  foreign key (playbook_id, version) references playbook_definition_versions (playbook_id, version)
);

-- The definition version a run follows (null for runs of the hand-written workflow types).
alter table playbook_runs add column definition_version integer;
create index playbook_runs_definition_version on playbook_runs (playbook, definition_version);
