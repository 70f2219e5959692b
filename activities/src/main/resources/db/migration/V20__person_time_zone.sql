-- A person's time zone for the console (an IANA zone); null: the browser's, sent by the console's
-- script in a cookie, else UTC.
alter table people add column time_zone text;
