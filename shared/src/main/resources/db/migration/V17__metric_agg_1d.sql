-- A daily resolution (docs/metric-store.md): one row per series and UTC day, rolled up from the
-- 1-hour rows by maintenance like the other rollups. A query over weeks (the SLO report's 30-day
-- windows) reads 24 times fewer rows and sketches than from the hours.
create table metric_agg_1d (
    series_id bigint           not null,
    bucket    timestamptz      not null,
    batch_id  bigint,
    n         double precision not null,
    sum       double precision,
    min       double precision,
    max       double precision,
    last      double precision,
    last_ts   timestamptz,
    state     bytea,
    constraint metric_agg_1d_key primary key (series_id, bucket)
) partition by range (bucket);

alter table metric_rollup_queue drop constraint metric_rollup_queue_resolution_check;
alter table metric_rollup_queue add constraint metric_rollup_queue_resolution_check
    check (resolution in ('1m', '1h', '1d'));
alter table metric_rollup_state drop constraint metric_rollup_state_resolution_check;
alter table metric_rollup_state add constraint metric_rollup_state_resolution_check
    check (resolution in ('1m', '1h', '1d'));

-- The days of every hour stored before this version are queued, so the first maintenance run
-- rolls them up: nothing stored before is missing from the daily rows.
insert into metric_rollup_queue (resolution, bucket)
select distinct '1d', date_trunc('day', bucket at time zone 'UTC') at time zone 'UTC'
from metric_agg_1h;

-- V11's function, with the daily table among the metric tables it may add a partition to.
create or replace function metric_ensure_partition(parent text, lower timestamptz, upper timestamptz, part text)
returns void language plpgsql security definer set search_path from current as $$
begin
    if parent not in ('metric_agg', 'metric_agg_1m', 'metric_agg_1h', 'metric_agg_1d', 'metric_points') then
        raise exception 'metric_ensure_partition: % is not a metric table', parent using errcode = '42501';
    end if;
    if part !~ ('^' || parent || '_p[0-9m]+$') then
        raise exception 'metric_ensure_partition: % is not a partition name of %', part, parent
            using errcode = '42501';
    end if;
    perform pg_advisory_xact_lock(hashtext('metric_partition:' || part));
    begin
        execute format('create table if not exists %I partition of %I for values from (%L) to (%L)',
                       part, parent, lower, upper);
    exception when invalid_object_definition or check_violation then
        -- overlaps an existing partition, which holds this range; or (raw points only) the default
        -- partition already holds rows of it, which stay there
        null;
    end;
end
$$;
