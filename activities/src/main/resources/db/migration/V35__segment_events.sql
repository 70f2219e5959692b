-- Product events in, Segment-compatible (issue 17 point 3). See docs/connectors/segment.md.

-- Every message accepted, once: Segment retries a delivery with the same messageId, so the key
-- makes the retry a no-op. customer_id is null for an event no customer was found for (kept and
-- reported, replayed when a later group or identify call maps its group or user). metric and
-- feature are what the mapping made of a track event when it came in. properties are kept only
-- where they are still needed: unmatched track events (for the replay) and events with an effect
-- (milestone, NPS, cancellation); no traits, no context.
create table segment_events (
    message_id   text        primary key,
    kind         text        not null,
    event        text,
    customer_id  text,
    user_id      text,
    anonymous_id text,
    group_id     text,
    metric       text,
    feature      text,
    effect       text,
    properties   jsonb,
    at           timestamptz not null,
    received_at  timestamptz not null,
    effect_error text
);
create index segment_events_unmatched_idx on segment_events (received_at) where customer_id is null;
create index segment_events_unmatched_group_idx on segment_events (group_id)
    where customer_id is null and group_id is not null;
create index segment_events_unmatched_user_idx on segment_events (user_id)
    where customer_id is null and user_id is not null;
create index segment_events_unmatched_anonymous_idx on segment_events (anonymous_id)
    where customer_id is null and anonymous_id is not null;

-- Who is whose: a group (account) or a user (userId or anonymousId) mapped to a customer by a
-- group or identify call.
create table segment_identities (
    kind        text        not null check (kind in ('group', 'user', 'anonymous')),
    external_id text        not null,
    customer_id text        not null,
    updated_at  timestamptz not null,
    primary key (kind, external_id)
);

-- The usage rolled up per customer and day; the weekly figures are the last seven days' sums.
create table segment_daily (
    customer_id text    not null,
    day         date    not null,
    logins      integer not null default 0,
    queries     integer not null default 0,
    primary key (customer_id, day)
);

-- The features a customer used per day (featuresUsed is the distinct count over seven days).
create table segment_features (
    customer_id text not null,
    day         date not null,
    feature     text not null,
    primary key (customer_id, day, feature)
);

-- Per customer: traits that feed the health model, and whether the figures moved since the last
-- scoring (the scorer scores only those).
create table segment_customers (
    customer_id   text        primary key,
    plan_usage    double precision,
    open_tickets  integer,
    moved         boolean     not null default false,
    last_event_at timestamptz
);
create index segment_customers_moved_idx on segment_customers (customer_id) where moved;
