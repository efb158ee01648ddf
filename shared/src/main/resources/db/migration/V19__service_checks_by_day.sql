-- Raw service checks (written only with DBRE_INGEST_RAW=on, like raw points) live in daily
-- partitions with the raw retention, as metric_points does since V9 (docs/metric-store.md):
-- partitioned by the check's ts, the same timestamp and the same days as metric_points, so one
-- rule (DBRE_INGEST_RAW_RETENTION_DAYS) drops both.
--
-- Nothing stored before is lost, and nothing is copied: the old table becomes the partition
-- service_checks_v18, covering everything before the first daily partition (dropped by retention
-- like any other once its upper bound is old). Attaching it rewrites no row, where a copy into the
-- new table would write every row (and its index entries) a second time and need twice the disk;
-- what it costs on a big table is two reads (its newest ts, and the range check of the attach) and
-- building the new key index on it, during which raw checks wait (the checks' aggregates do not:
-- they go to metric_agg), as V9 did for metric_points.
alter table service_checks rename to service_checks_v18;
-- Its key (record_id, line) becomes the partitioned table's (record_id, line, ts), which the attach
-- below builds on it.
alter table service_checks_v18 drop constraint service_checks_key;
alter index service_checks_name_ts_idx rename to service_checks_v18_name_ts_idx;

create table service_checks (
    record_id bigint      not null,
    line      integer     not null,
    ts        timestamptz not null,
    name      text        not null,
    -- The same name as V1's (unnamed) check, which the attached partition keeps: a partition
    -- must carry its parent's CHECK constraints under their names.
    status    smallint    not null constraint service_checks_status_check check (status between 0 and 3),
    host      text,
    message   text,
    tags      text[]      not null default '{}',
    container text,
    constraint service_checks_key primary key (record_id, line, ts)
) partition by range (ts);
create index service_checks_name_ts_idx on service_checks (name, ts);
-- Like metric_points_default: a check whose day has no partition (a d: timestamp far from the
-- arrival time) lands here; ingest creates the arrival day's partition first and maintenance the
-- days ahead, so it stays small. It is not dropped by retention.
create table service_checks_default partition of service_checks default;

do $$
declare
    upper_bound timestamptz;
    acl record;
begin
    select greatest(date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '1 day',
                    coalesce(date_trunc('day', max(ts) at time zone 'UTC') at time zone 'UTC' + interval '1 day',
                             '-infinity'))
    into upper_bound
    from service_checks_v18;
    execute format('alter table service_checks attach partition service_checks_v18 for values from (minvalue) to (%L)',
                   upper_bound);
    -- The grants the old table had (terraform's database-grants: the ingest group's SELECT and
    -- INSERT) carry over to the new parent, through which every read and write goes; a deployment
    -- need not re-apply its grants for this version.
    for acl in
        select a.privilege_type, a.grantee
        from pg_class c, aclexplode(c.relacl) a
        where c.oid = 'service_checks_v18'::regclass and a.grantee <> c.relowner
    loop
        -- regrole's text is already a quoted identifier; grantee 0 is PUBLIC
        execute format('grant %s on service_checks to %s', acl.privilege_type,
                       case when acl.grantee = 0 then 'public' else acl.grantee::regrole::text end);
    end loop;
end
$$;

-- V17's function, with the raw checks' table among the metric tables it may add a partition to.
create or replace function metric_ensure_partition(parent text, lower timestamptz, upper timestamptz, part text)
returns void language plpgsql security definer set search_path from current as $$
begin
    if parent not in ('metric_agg', 'metric_agg_1m', 'metric_agg_1h', 'metric_agg_1d', 'metric_points',
                      'service_checks') then
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
        -- overlaps an existing partition, which holds this range; or (raw tables only) the default
        -- partition already holds rows of it, which stay there
        null;
    end;
end
$$;
