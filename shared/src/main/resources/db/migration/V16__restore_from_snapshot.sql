-- Restore from a snapshot: the snapshot a run restores, picked when the request is submitted
-- ("the newest of policy P" is resolved once), so that a retried start restores the same one.
-- Null for point-in-time runs (all runs from before this version).

alter table restore_runs
    add column snapshot_id       text,        -- the provider's snapshot id
    add column snapshot_database text,        -- the database it was taken of
    add column snapshot_region   text,        -- where it is stored (a copy's region for kind copy)
    add column snapshot_time     timestamptz; -- when it was taken, as the provider reports it
