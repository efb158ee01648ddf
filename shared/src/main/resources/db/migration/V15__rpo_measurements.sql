-- The recovery point of each database, measured at each snapshot-function run
-- (dev.dbre.backup.RpoMeasurements): for 'pitr' the lag between the run and the latest restorable
-- time; for 'snapshot' the age of the newest completed snapshot in the database's region; for
-- 'copy' the age of the newest completed copy in the policy's copy region. lag_seconds is null
-- when there is nothing to restore from at all (no window, no snapshot): that is over any objective.

create table rpo_measurements (
    id                bigint generated always as identity primary key,
    policy            text        not null,
    database_id       text        not null,
    region            text        not null,   -- where the recovery point is (the copy region for 'copy')
    measured_at       timestamptz not null,
    kind              text        not null check (kind in ('pitr', 'snapshot', 'copy')),
    lag_seconds       numeric(14, 3),
    objective_seconds numeric(14, 3),         -- the policy's RPO then; null: none set
    over              boolean     not null,   -- lag over the objective, or no recovery point with one set
    constraint rpo_measurements_key unique (policy, database_id, kind, measured_at)
);
create index rpo_measurements_database_idx on rpo_measurements (database_id, measured_at);

-- The latest measurement of each kind per policy and database.
create view rpo_latest as
select distinct on (policy, database_id, kind) *
from rpo_measurements
order by policy, database_id, kind, measured_at desc;
