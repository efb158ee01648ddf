-- Restore runs: one active run per new name, a deadline per run, the provider's start reference,
-- and CLEANUP_FAILED (a drill whose database could not be deleted within its bounded attempts).

alter table restore_runs
    add column deadline_at timestamptz,          -- the run fails if still in progress then
    add column start_ref   text;                 -- what the provider's start returned (Cloud SQL: the clone operation)

-- Runs from before this version get the default timeout (6 hours) from their request time.
update restore_runs set deadline_at = requested_at + interval '6 hours';
alter table restore_runs alter column deadline_at set not null;

alter table restore_runs drop constraint restore_runs_state_check;
alter table restore_runs add constraint restore_runs_state_check check (state in
    ('REQUESTED', 'RESTORING', 'AVAILABLE', 'VERIFYING', 'VERIFIED', 'FAILED', 'CLEANED_UP', 'CLEANUP_FAILED'));

-- Two runs that were active under one name before this version (a check-then-insert race): the
-- later ones are stopped, their databases (if any) left alone for an operator; the earliest keeps
-- the name. Their reason says so.
with later as (
    select run_id
    from (select run_id, row_number() over (partition by new_name order by requested_at, run_id) as n
          from restore_runs
          where state not in ('CLEANED_UP', 'CLEANUP_FAILED')) ranked
    where n > 1
)
update restore_runs r
set state          = 'CLEANUP_FAILED',
    outcome        = coalesce(r.outcome, 'FAILED'),
    failure_reason = coalesce(r.failure_reason, 'another active run uses the name ' || r.new_name),
    last_error     = 'stopped by migration V5: another active run uses the name ' || r.new_name
                     || '; its database, if any, was left alone',
    updated_at     = now()
from later
where r.run_id = later.run_id;

-- A new name belongs to at most one active run: every state but CLEANED_UP and CLEANUP_FAILED (a
-- kept restore keeps its name while it is VERIFIED or FAILED). Replaces the check-before-insert,
-- which two concurrent submits could both pass.
drop index restore_runs_new_name_idx;
create unique index restore_runs_active_name_key on restore_runs (new_name)
    where state not in ('CLEANED_UP', 'CLEANUP_FAILED');
