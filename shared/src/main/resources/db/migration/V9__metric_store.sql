-- The metric store (docs/metric-store.md): series interned once, per-interval aggregates, rollups
-- to 1 minute and 1 hour, retention by dropping whole partitions. Nothing stored before is lost:
-- metric_points keeps every row (it becomes the optional raw table, partitioned by day, with the
-- rows written before this version in one partition of their own), and V10 replays those rows
-- into the aggregates so that the query API answers for them too.

-- A metric name, its type and its canonical tag set (sorted, de-duplicated by the parser), with a
-- stable id. type: the DogStatsD code (c g ms h d s) or 'sc' for a service check.
-- source and created_at feed the cardinality guard (new series per source per minute).
create table metric_series (
    id         bigint generated always as identity primary key,
    name       text        not null,
    type       text        not null,
    tags       text[]      not null default '{}',
    source     text        not null,
    created_at timestamptz not null,
    constraint metric_series_key unique (name, type, tags)
);
create index metric_series_source_created_idx on metric_series (source, created_at);

-- Aggregates of one series over one bucket (the ingest interval, 10 s by default; 1 minute; 1 hour).
-- metric_agg holds partial aggregates: one row per series, interval and ingest batch (batch_id),
-- written by COPY in the batch's transaction; readers merge the partials of an interval. The rollup
-- tables hold one merged row per series and bucket (batch_id null).
--   n     samples, weighted by 1/rate for c ms h d (a count's n is its weighted number of lines)
--   sum   c: the count (value / rate summed); g: sum of the samples; ms h d: weighted sum; s, sc: null
--   min, max   exact, of the samples (g ms h d)
--   last, last_ts   g: the value with the latest timestamp
--   state  ms h d: DDSketch (dev.dbre.metrics.Sketches); s: HLL sketch; sc: four int64 counts
--          (OK, WARNING, CRITICAL, UNKNOWN), big-endian
create table metric_agg (
    series_id bigint           not null,
    bucket    timestamptz      not null,
    batch_id  bigint,
    n         double precision not null,
    sum       double precision,
    min       double precision,
    max       double precision,
    last      double precision,
    last_ts   timestamptz,
    state     bytea
) partition by range (bucket);
create index metric_agg_series_bucket_idx on metric_agg (series_id, bucket);

create table metric_agg_1m (
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
    constraint metric_agg_1m_key primary key (series_id, bucket)
) partition by range (bucket);

create table metric_agg_1h (
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
    constraint metric_agg_1h_key primary key (series_id, bucket)
) partition by range (bucket);

-- Buckets of a coarser resolution that new data touched and that the rollup must (re)compute.
-- One plain row per (resolution, bucket, writer): no unique key, so concurrent ingest batches never
-- wait on each other here; the rollup deletes what it takes.
create table metric_rollup_queue (
    resolution text        not null check (resolution in ('1m', '1h')),
    bucket     timestamptz not null
);
create index metric_rollup_queue_idx on metric_rollup_queue (resolution, bucket);

-- How far each rollup has run: every bucket before rolled_until was computed at least once (a late
-- point queues its bucket again). The query reads a rollup up to here and finer data after it.
create table metric_rollup_state (
    resolution   text        primary key check (resolution in ('1m', '1h')),
    rolled_until timestamptz not null
);

-- Raw points become optional (DBRE_INGEST_RAW) and live in daily partitions. The rows stored
-- before this version stay, as the partition metric_points_v8 covering everything before the
-- first daily partition (it is dropped by retention like any other once its upper bound is old).
alter table metric_points rename to metric_points_v8;
-- Its key (record_id, line, idx) becomes the partitioned table's (record_id, line, idx, ts), which
-- the attach below builds on it.
alter table metric_points_v8 drop constraint metric_points_key;
alter index metric_points_name_ts_idx rename to metric_points_v8_name_ts_idx;

create table metric_points (
    record_id  bigint           not null,
    line       integer          not null,
    idx        smallint         not null,
    ts         timestamptz      not null,
    name       text             not null,
    type       text             not null,
    value      double precision,
    member     text,
    rate       double precision not null default 1,
    tags       text[]           not null default '{}',
    container  text,
    constraint metric_points_key primary key (record_id, line, idx, ts)
) partition by range (ts);
create index metric_points_name_ts_idx on metric_points (name, ts);
-- Raw points stream into COPY while a batch is parsed, before their days are known: a point whose
-- day has no partition (a |T far from the arrival time) lands here. Ingest creates the arrival
-- day's partition first, and maintenance the days ahead, so this stays small; it is not dropped
-- by retention.
create table metric_points_default partition of metric_points default;

do $$
declare
    upper_bound timestamptz;
begin
    select greatest(date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '1 day',
                    coalesce(date_trunc('day', max(ts) at time zone 'UTC') at time zone 'UTC' + interval '1 day',
                             '-infinity'))
    into upper_bound
    from metric_points_v8;
    execute format('alter table metric_points attach partition metric_points_v8 for values from (minvalue) to (%L)',
                   upper_bound);
end
$$;

-- Creates the partition [lower, upper) of a metric table unless one exists. Called by ingest for a
-- bucket no partition holds yet (a late or early timestamp) and by maintenance ahead of time.
-- The advisory lock makes two writers of the same partition wait for each other instead of failing
-- on the catalog; a range that another partition already covers (the rows kept from before V9) is
-- not an error: the rows go there.
create function metric_ensure_partition(parent text, lower timestamptz, upper timestamptz, part text)
returns void language plpgsql as $$
begin
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
