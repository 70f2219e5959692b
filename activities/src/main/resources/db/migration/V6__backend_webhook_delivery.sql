-- The backend webhook's bounded retries: how many attempts a notification took and the backend's
-- last answer; status becomes FAILED when the attempts are used up (nothing is dropped silently).
alter table backend_notifications add column attempts integer not null default 0;
alter table backend_notifications add column last_error text;
