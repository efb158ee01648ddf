-- An HTTP Idempotency-Key is bound to the body it first came with: the SHA-256 of the decoded
-- body is stored in the key row, and the same key with another body is refused (HTTP 409)
-- instead of being answered as a duplicate while the new body is dropped.
--
-- Null where the platform assigns the key (stream sequence numbers) and in every row written
-- before this migration: those bodies were not kept, so no digest can be computed for them. A
-- request under such an old key stays a duplicate (202) whatever its body, as before.
--
-- A column without a default: PostgreSQL adds it without rewriting the table.
alter table ingest_records add column payload_sha256 bytea;

comment on column ingest_records.payload_sha256 is
    'SHA-256 of the decoded HTTP body bound to an Idempotency-Key; null for stream records and rows before V4';
