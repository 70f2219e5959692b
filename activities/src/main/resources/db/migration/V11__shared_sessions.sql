-- People's login sessions (Spring Session JDBC, the tables its JdbcIndexedSessionRepository reads
-- and writes), so every instance sees the same sessions and ending one (logout, a disabled login,
-- a new password) ends it everywhere at once. principal_name is the person ("person:<username>"),
-- indexed so all sessions of a person can be found. Integration keys never have a session.
create table spring_session (
    primary_id            char(36)     not null,
    session_id            char(36)     not null,
    creation_time         bigint       not null,
    last_access_time      bigint       not null,
    max_inactive_interval int          not null,
    expiry_time           bigint       not null,
    principal_name        varchar(200),
    constraint spring_session_pk primary key (primary_id)
);
create unique index spring_session_ix1 on spring_session (session_id);
create index spring_session_ix2 on spring_session (expiry_time);
create index spring_session_ix3 on spring_session (principal_name);

-- A session's attributes, each Java-serialized (the security context among them).
create table spring_session_attributes (
    session_primary_id char(36)     not null,
    attribute_name     varchar(200) not null,
    attribute_bytes    bytea        not null,
    constraint spring_session_attributes_pk primary key (session_primary_id, attribute_name),
    constraint spring_session_attributes_fk foreign key (session_primary_id)
        references spring_session (primary_id) on delete cascade
);
