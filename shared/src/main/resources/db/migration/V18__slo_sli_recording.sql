-- Per-SLO SLI recording (docs/slo.md, "Recorded SLIs"), as Sloth's and Pyrra's recording rules do:
-- per metric-store question of a `type: dbre` metric or service_check source, the value of each
-- final minute summed across the matching series, so that a report over 30 days reads 33 rows per
-- question instead of one row per series and minute.

-- Which minutes a rollup (re)computed, and in which order: the minute rollup (MaintenanceService)
-- appends one row per minute it writes into metric_agg_1m, the first time and after a late point
-- alike. The rollup runs under one advisory lock, so a larger seq always commits later: a reader
-- that saw seq <= S has seen every change up to S. Rows are deleted with the minutes' retention.
create table metric_minute_changes (
    seq    bigint      generated always as identity primary key,
    bucket timestamptz not null
);
create index metric_minute_changes_bucket_idx on metric_minute_changes (bucket);

-- One recorded question (dev.dbre.slo.data.SliRecording): key = sha-256 of its canonical text
-- (source kind, metric or check name, tag filter, statuses, op and threshold; not the SLO's name,
-- so SLOs on the same source share it, and a changed spec is a new key).
--   recorded_from, recorded_until  the minutes [from, until) that the day rows hold, all final
--                                  (before the minute rollup's rolled_until when recorded)
--   change_seq                     metric_minute_changes.seq up to which re-rolled minutes are
--                                  re-recorded
create table slo_sli_recordings (
    source_key     text        primary key,
    question       text        not null,
    recorded_from  timestamptz not null,
    recorded_until timestamptz not null,
    change_seq     bigint      not null,
    updated_at     timestamptz not null,
    constraint slo_sli_recordings_range check (recorded_from <= recorded_until)
);

-- The recorded values: one row per question and UTC day, one array element per minute of the day
-- (1,440), NaN where the minute had no data (never 0). `value`: the count (or, for a threshold,
-- the values that meet it); `total`: a threshold's number of values, null for a count. A day with
-- no data at all in the recorded range has no row.
create table slo_sli_minutes (
    source_key text        not null references slo_sli_recordings (source_key) on delete cascade,
    day        timestamptz not null,
    value      float8[]    not null,
    total      float8[],
    constraint slo_sli_minutes_key primary key (source_key, day),
    constraint slo_sli_minutes_day check (cardinality(value) = 1440 and (total is null or cardinality(total) = 1440))
);
