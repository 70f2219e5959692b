-- Who a running run's next step waits on (CSM, CUSTOMER or AUTOMATED_STEP), as the run says in its
-- snapshot: "Runs waiting on me" lists only those that wait on a person. Null for rows written by
-- workers from before it, and for runs that wait for nothing.
alter table playbook_runs add column waiting_on text;
