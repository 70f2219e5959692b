-- Integration keys for the backend. Only a SHA-256 of the key is kept: a key is 256 random bits,
-- so a fast hash is as good as a slow one, and checking it costs nothing per request.
create table api_keys (
    id           text primary key,
    name         text        not null,
    secret_hash  text        not null,
    scopes       text[]      not null,
    created_by   text        not null,
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- People who log in: CSMs (tied to their CSM record), managers (a CS lead sees the CSMs whose
-- manager_email is theirs) and admins. Passwords in Spring Security's delegating format.
create table people (
    username      text primary key,
    name          text        not null,
    email         text        not null unique,
    role          text        not null check (role in ('CSM', 'MANAGER', 'ADMIN')),
    csm_id        text references csms (id),
    password_hash text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    disabled_at   timestamptz,
    check (role <> 'CSM' or csm_id is not null)
);
create index people_csm_idx on people (csm_id);

-- Every write through the API: who, what, about which customer and run, when, and how it ended.
-- Append-only: the database itself refuses to change or delete a row.
create table audit_log (
    id          bigserial primary key,
    at          timestamptz not null default now(),
    actor_kind  text        not null,
    actor_id    text,
    action      text        not null,
    customer_id text,
    workflow_id text,
    status      integer     not null,
    result      text        not null
);
create index audit_log_at_idx on audit_log (at desc, id desc);
create index audit_log_customer_idx on audit_log (customer_id, at desc);
create index audit_log_actor_idx on audit_log (actor_id, at desc);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_append_only
    before update or delete on audit_log
    for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_is_append_only();
