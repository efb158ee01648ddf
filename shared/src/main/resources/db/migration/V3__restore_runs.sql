-- Point-in-time restore runs: a resumable state machine. Each invocation of the restore function
-- locks its run's row (select ... for update skip locked), performs at most one step and writes
-- the new state with an event, so a repeated or concurrent invocation is harmless.
-- A run is keyed by the request's idempotency key (its requestId, else "name:" + newName).

create table restore_runs (
    run_id           uuid        primary key,
    request_key      text        not null unique,
    source_id        text        not null,
    new_name         text        not null,
    target_time      timestamptz,                  -- null: the latest restorable time
    drill            boolean     not null,
    request          jsonb       not null,
    state            text        not null check (state in
                         ('REQUESTED', 'RESTORING', 'AVAILABLE', 'VERIFYING', 'VERIFIED', 'FAILED', 'CLEANED_UP')),
    outcome          text        check (outcome in ('VERIFIED', 'FAILED')),
    failure_reason   text,
    endpoint_host    text,
    endpoint_port    integer,
    verification     jsonb,                        -- one result per verification query
    attempts         integer     not null default 0, -- retryable provider faults in the current state
    last_error       text,
    requested_at     timestamptz not null,
    updated_at       timestamptz not null,
    verified_at      timestamptz,
    recovery_seconds numeric(12, 3)                -- verified_at - requested_at
);
-- A new name is taken while a run that uses it has not finished.
create index restore_runs_new_name_idx on restore_runs (new_name);
create index restore_runs_source_idx on restore_runs (source_id, requested_at);

create table restore_run_events (
    run_id  uuid        not null references restore_runs (run_id),
    seq     integer     not null,
    state   text        not null,
    at      timestamptz not null,
    detail  text,
    primary key (run_id, seq)
);
