-- Fleet drills (dev.dbre.restore.FleetDrills): which policy and database each drill run restored,
-- of which kind, the source's figures captured when it was requested (the catalog sanity check
-- compares the restored copy with them) and the policy's RTO at that time. The run itself, its
-- state and its recovery time stay in restore_runs.

-- The kind of every restore run, read from its request: a snapshot choice naming a copy region is
-- 'copy', any other snapshot choice 'snapshot', no snapshot 'pitr' (docs/restore-request.md).
alter table restore_runs add column kind text generated always as (
    case
        when request -> 'snapshot' is null or jsonb_typeof(request -> 'snapshot') = 'null' then 'pitr'
        when request -> 'snapshot' -> 'newestCopyInRegion' is not null then 'copy'
        else 'snapshot'
    end) stored;

create table drill_runs (
    run_id                uuid        primary key references restore_runs (run_id),
    policy                text        not null,
    database_id           text        not null,
    region                text        not null,
    kind                  text        not null check (kind in ('pitr', 'snapshot', 'copy')),
    requested_at          timestamptz not null,
    rto_objective_seconds numeric(12, 3),           -- null: the policy sets no RTO
    source_figures        jsonb,                    -- {"databases": [...], "tables": [{"schema", "table", "rows"}]}
    source_figures_error  text                      -- why the figures could not be read (the check is then skipped)
);
create index drill_runs_database_idx on drill_runs (database_id, requested_at);
create index drill_runs_policy_idx on drill_runs (policy, requested_at);

-- Every fleet drill with its run's outcome and recovery time, and whether it took longer than the
-- policy's RTO (null when the policy sets none or the drill did not verify).
create view drill_results as
select d.run_id, d.policy, d.database_id, d.region, d.kind, d.requested_at,
       r.state, r.outcome, r.verified_at, r.recovery_seconds, d.rto_objective_seconds,
       case when r.recovery_seconds is null or d.rto_objective_seconds is null then null
            else r.recovery_seconds > d.rto_objective_seconds end as over_rto,
       r.failure_reason
from drill_runs d
join restore_runs r using (run_id);

-- Per policy and database, as of a time: its last verified drill (when, which kind, recovery time,
-- over RTO) and the drills requested and verified in the `days` days before (the SLO report's drill
-- coverage and RTO). A function, so that "the last N days" is the caller's N and the caller's clock.
create function drill_status(as_of timestamptz, days integer)
returns table (
    policy                text,
    database_id           text,
    last_verified_run_id  uuid,
    last_verified_at      timestamptz,
    last_verified_kind    text,
    last_recovery_seconds numeric,
    last_over_rto         boolean,
    drills                bigint,
    verified              bigint)
language sql stable
as $$
    select db.policy, db.database_id, last.run_id, last.verified_at, last.kind, last.recovery_seconds,
           last.over_rto,
           (select count(*) from drill_results x
             where x.policy = db.policy and x.database_id = db.database_id
               and x.requested_at > as_of - make_interval(days => days) and x.requested_at <= as_of),
           (select count(*) from drill_results x
             where x.policy = db.policy and x.database_id = db.database_id and x.outcome = 'VERIFIED'
               and x.requested_at > as_of - make_interval(days => days) and x.requested_at <= as_of)
    from (select distinct d.policy, d.database_id from drill_runs d where d.requested_at <= as_of) db
    left join lateral (
        select v.run_id, v.verified_at, v.kind, v.recovery_seconds, v.over_rto from drill_results v
        where v.policy = db.policy and v.database_id = db.database_id and v.outcome = 'VERIFIED'
          and v.verified_at <= as_of
        order by v.verified_at desc
        limit 1) last on true
$$;

-- The same now, over the last 30 days.
create view drill_status_30d as select * from drill_status(now(), 30);
