-- The health score of HealthScore.java as SQL functions, so a batch of metrics is scored
-- set-based (POST /api/metrics/batch) with exactly the Java path's scores and bands.
-- BatchScoringTest compares both at every sub-score edge. Where the source's ranges overlap the
-- lower range's upper bound is exclusive (10 queries -> 75, 5 logins -> 100, 20% -> 75, 50% -> 100).

create function health_usage(queries integer, features integer) returns numeric
  language sql immutable parallel safe as $$
  select ((case when queries < 10 then 50 when queries < 50 then 75 else 100 end)
        + (case when features <= 2 then 50 when features <= 4 then 75 else 100 end)) / 2.0
$$;

-- open_rate is the double the API parsed, compared as a double, like the Java path does.
create function health_engagement(logins integer, open_rate double precision) returns numeric
  language sql immutable parallel safe as $$
  select ((case when logins <= 2 then 50 when logins < 5 then 75 else 100 end)
        + (case when open_rate < 0.2::float8 then 50 when open_rate < 0.5::float8 then 75
                else 100 end)) / 2.0
$$;

create function health_support(tickets integer, sentiment text) returns numeric
  language sql immutable parallel safe as $$
  select ((case when tickets = 0 then 100 when tickets <= 2 then 75 else 50 end)
        + (case sentiment when 'NEGATIVE' then 25 when 'NEUTRAL' then 75 else 100 end)) / 2.0
$$;

-- Exact decimal arithmetic, rounded half up to a tenth and then to a whole point: the Java
-- path's double arithmetic rounds on the same tenth grid first, so both agree on every input.
create function health_score(usage numeric, engagement numeric, support numeric) returns integer
  language sql immutable parallel safe as $$
  select round(round(usage * 0.4 + engagement * 0.3 + support * 0.3, 1))::integer
$$;

create function health_band(score integer) returns text
  language sql immutable parallel safe as $$
  select case when score >= 80 then 'HEALTHY' when score >= 60 then 'NEUTRAL'
              when score >= 40 then 'AT_RISK' else 'CRITICAL' end
$$;

