-- What real DogStatsD clients send (docs/ingest-format.md).
-- Fields a line's kind does not know (a newer client's) are skipped, not rejected: count them per
-- batch so an operator can see that clients send something this version does not read.
alter table ingest_batches add column fields_ignored bigint not null default 0;

-- Service checks and events carry a container id (|c:) like metrics do; the Java client writes it
-- on every line, after a service check's message too.
alter table service_checks add column container text;
alter table ingest_events add column container text;
