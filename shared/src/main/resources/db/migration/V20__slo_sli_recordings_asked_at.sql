-- When a report last asked each recorded question (dev.dbre.slo.data.SliRecording): the report run
-- deletes the recordings of questions no spec has asked for DBRE_SLO_RECORDING_UNUSED_DAYS (its
-- day rows go with them, on delete cascade). Recordings made before this version count as asked
-- when it was applied, so none is deleted before that many days have passed.
alter table slo_sli_recordings add column asked_at timestamptz not null default now();
