-- Ingest schema. Exactly-once is keyed by the source record: (source, shard, sequence,
-- sub_sequence) is unique in ingest_records, and a record's points are written in the same
-- transaction as its key row, so a retried or duplicated record stores nothing twice.
-- The point tables carry no foreign key to ingest_records on purpose: a foreign-key check per
-- row would slow COPY several times over, and the only writer inserts both in one transaction.

create table ingest_batches (
    id               bigint generated always as identity primary key,
    source           text        not null,
    shard            text        not null default '',
    first_sequence   text,
    last_sequence    text,
    records          integer     not null default 0,
    duplicate_records integer    not null default 0,
    lines            bigint      not null default 0,
    points_stored    bigint      not null default 0,
    checks_stored    bigint      not null default 0,
    events_stored    bigint      not null default 0,
    lines_rejected   bigint      not null default 0,
    started_at       timestamptz not null,
    finished_at      timestamptz,
    parse_nanos      bigint      not null default 0,
    store_nanos      bigint      not null default 0
);
create index ingest_batches_finished_idx on ingest_batches (finished_at);

create table ingest_records (
    id           bigint generated always as identity primary key,
    source       text        not null,
    shard        text        not null default '',
    sequence     text        not null,
    sub_sequence integer     not null default 0,
    batch_id     bigint      not null,
    arrived_at   timestamptz,
    bytes        integer     not null default 0,
    lines        integer     not null default 0,
    points       integer     not null default 0,
    checks       integer     not null default 0,
    events       integer     not null default 0,
    rejects      integer     not null default 0,
    constraint ingest_records_key unique (source, shard, sequence, sub_sequence)
) with (fillfactor = 80);
-- fillfactor 80: the counters are updated once, in the same transaction, right after the key rows
-- are inserted; free room on the page lets that update stay HOT (no new index entries).

-- One row per value: a packed DogStatsD line (a:1:2:3|d) gives rows idx 0, 1, 2.
-- ts: the line's own timestamp, else the record's arrival time. A set's member is in member.
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
    constraint metric_points_key primary key (record_id, line, idx)
);
create index metric_points_name_ts_idx on metric_points (name, ts);

create table service_checks (
    record_id bigint      not null,
    line      integer     not null,
    ts        timestamptz not null,
    name      text        not null,
    status    smallint    not null check (status between 0 and 3),
    host      text,
    message   text,
    tags      text[]      not null default '{}',
    constraint service_checks_key primary key (record_id, line)
);
create index service_checks_name_ts_idx on service_checks (name, ts);

create table ingest_events (
    record_id        bigint      not null,
    line             integer     not null,
    ts               timestamptz not null,
    title            text        not null,
    text             text        not null,
    host             text,
    aggregation_key  text,
    priority         text,
    source_type      text,
    alert_type       text,
    tags             text[]      not null default '{}',
    constraint ingest_events_key primary key (record_id, line)
);

-- Every line that could not be parsed, kept with its raw bytes and the reason code
-- (dev.dbre.ingest.RejectReason). Never dropped. A record that could not be decoded at all is one
-- BAD_RECORD row on line 1 holding the record's raw bytes.
create table ingest_rejects (
    record_id bigint      not null,
    line      integer     not null,
    reason    text        not null,
    detail    text,
    raw       bytea       not null,
    received_at timestamptz not null,
    constraint ingest_rejects_key primary key (record_id, line)
);

create view ingest_rejects_by_source as
select r.source, r.shard, r.sequence, r.sub_sequence, j.line, j.reason, j.detail, j.raw, j.received_at
from ingest_rejects j
join ingest_records r on r.id = j.record_id;
