-- What the SLO report reads that the functions did not record before (docs/slo.md):

-- 1. One row per rotation step run by the rotation function (dev.dbre.rotation.RotationRunStore):
-- which secret, which step, how it ended and when. Never a secret value, a password or a user
-- name: the secret's id (an ARN, a Key Vault secret id, a Secret Manager resource name) and the
-- rotation token (the version id the step works on) are names, not values.
create table rotation_runs (
    id          bigint generated always as identity primary key,
    secret_id   text        not null,
    token       text,
    step        text        not null check (step in ('createSecret', 'setSecret', 'testSecret', 'finishSecret')),
    outcome     text        not null check (outcome in ('COMPLETED', 'FAILED')),
    action      text,                         -- dev.dbre.rotation.StepResult.Action when COMPLETED
    error_kind  text,                         -- dev.dbre.rotation.RotationError when FAILED
    strategy    text        not null,         -- single | alternating
    at          timestamptz not null,
    function_name text,                       -- the function that ran the step, when it knows its name
    cloud       text        not null          -- aws | azure | gcp | local
);
-- The SLO report reads each secret's last finished rotation before a time.
create index rotation_runs_secret_at_idx on rotation_runs (secret_id, at);

-- 2. Ingest freshness: per batch, how many stored metric values were how old (the time the batch
-- began storing minus the value's own timestamp) in the bins of dev.dbre.ingest.PointLags.EDGES_SECONDS;
-- the last element counts the values older than the last edge. Null in batches stored before this
-- version (their freshness is unknown, not bad).
alter table ingest_batches add column point_lag_counts bigint[];

-- 3. Ingest availability: a batch that was not stored leaves no ingest_batches row (its transaction
-- rolled back), so the function writes one row here, in a transaction of its own, when a batch
-- ends with records FAILED (transient fault) or BUG. Best effort: when the database is down, the
-- row cannot be written either (the function logs and counts that).
create table ingest_batch_failures (
    id             bigint generated always as identity primary key,
    source         text        not null,
    shard          text        not null default '',
    records        integer     not null,
    failed_records integer     not null,
    outcome        text        not null check (outcome in ('FAILED', 'BUG')),
    reason         text,
    started_at     timestamptz not null,
    failed_at      timestamptz not null
);
create index ingest_batch_failures_failed_at_idx on ingest_batch_failures (failed_at);
