-- Ingest creates the partition of a bucket that no partition holds yet (a late or early
-- timestamp), and PostgreSQL lets only the owner of a partitioned table add a partition. The
-- ingest functions log in as an application role, not as the schema owner: so the function runs
-- with its owner's rights (SECURITY DEFINER, with the search_path of this migration pinned), and
-- only for the metric tables and their partition names, so it grants nothing else.
create or replace function metric_ensure_partition(parent text, lower timestamptz, upper timestamptz, part text)
returns void language plpgsql security definer set search_path from current as $$
begin
    if parent not in ('metric_agg', 'metric_agg_1m', 'metric_agg_1h', 'metric_points') then
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
