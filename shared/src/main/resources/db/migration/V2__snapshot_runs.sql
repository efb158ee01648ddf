-- One row per snapshot-function run per database (dev.dbre.backup.SnapshotRunStore). The SLO
-- report reads backup age (now - newest_snapshot_at) and coverage (databases whose latest run has
-- a recent newest snapshot and no failures) from snapshot_runs_latest. Dry runs write nothing.
-- A run is keyed by (policy, database, region, run time): writing the same run again updates its
-- row instead of adding one.

create table snapshot_runs (
    id                 bigint generated always as identity primary key,
    policy             text        not null,
    database_id        text        not null,
    region             text        not null,
    run_at             timestamptz not null,
    slot_start         timestamptz not null,
    created            integer     not null default 0,
    copied             integer     not null default 0,
    deleted            integer     not null default 0,
    shared             integer     not null default 0,
    failures           integer     not null default 0,
    failure_reasons    text[]      not null default '{}',
    newest_snapshot_id text,
    newest_snapshot_at timestamptz,
    newest_copy_id     text,
    newest_copy_at     timestamptz,
    constraint snapshot_runs_key unique (policy, database_id, region, run_at)
);
create index snapshot_runs_database_idx on snapshot_runs (database_id, region, run_at);

-- The latest run of each policy for each database.
create view snapshot_runs_latest as
select distinct on (policy, database_id, region) *
from snapshot_runs
order by policy, database_id, region, run_at desc;
