-- Failed password logins within the throttle's window (LoginThrottle), per username (kind
-- 'username', lower case) and per client address (kind 'address'), shared by every instance and
-- kept across restarts. times holds the failures' epoch milliseconds, at most the limit; an
-- attempt counts as failed from the moment it is let through until it succeeds. touched_at is
-- the last attempt's: rows untouched for a window hold nothing current and are deleted.
create table login_failures (
    kind       text     not null check (kind in ('username', 'address')),
    key        text     not null,
    times      bigint[] not null,
    touched_at bigint   not null,
    primary key (kind, key)
);
create index login_failures_touched_idx on login_failures (touched_at);

-- One login attempt, in one statement: both rows are locked (username first, then address, the
-- same order for every caller) until it ends, so attempts from any instance are counted one after
-- the other. Failures at or before p_now - p_window are dropped. When both the username and the
-- address have room, the attempt is counted against both and both answers are 0; otherwise it is
-- counted against neither, and a full key answers when its oldest failure leaves the window.
create function login_attempt(
    p_username text, p_address text, p_now bigint, p_window bigint,
    p_username_limit int, p_address_limit int,
    out username_free bigint, out address_free bigint)
language plpgsql as $$
declare
    by_username bigint[];
    by_address  bigint[];
begin
    insert into login_failures as f (kind, key, times, touched_at)
    values ('username', p_username, '{}', p_now)
    on conflict (kind, key) do update set touched_at = greatest(f.touched_at, excluded.touched_at)
    returning f.times into by_username;
    insert into login_failures as f (kind, key, times, touched_at)
    values ('address', p_address, '{}', p_now)
    on conflict (kind, key) do update set touched_at = greatest(f.touched_at, excluded.touched_at)
    returning f.times into by_address;

    by_username := array(select t from unnest(by_username) t where t > p_now - p_window);
    by_address := array(select t from unnest(by_address) t where t > p_now - p_window);
    username_free := case when cardinality(by_username) < p_username_limit then 0
                          else (select min(t) from unnest(by_username) t) + p_window end;
    address_free := case when cardinality(by_address) < p_address_limit then 0
                         else (select min(t) from unnest(by_address) t) + p_window end;
    if username_free = 0 and address_free = 0 then
        by_username := by_username || p_now;
        by_address := by_address || p_now;
    end if;
    update login_failures set times = by_username where kind = 'username' and key = p_username;
    update login_failures set times = by_address where kind = 'address' and key = p_address;
end
$$;
