-- Exactly-once keys name the stream, not its reader: two readers of one stream (two Event Hubs
-- consumer groups, two Pub/Sub subscriptions) writing into one database store each record once.
-- Keys written before this version are rewritten to the new source where the old one tells it:
--   eventhubs:<namespace>/<hub>/<consumer group>         -> eventhubs:<namespace>/<hub>
--   pubsub://pubsub.googleapis.com/projects/<p>/topics/<t> -> pubsub:projects/<p>/topics/<t>
-- A Pub/Sub key written under its subscription (pubsub:projects/<p>/subscriptions/<s>) is left as
-- it is: the database does not know the subscription's topic. The function recognises a
-- redelivery stored under it at run time (it has both names in the event; IngestBatch
-- previousSources), which also covers records an older release wrote while this one rolled out.
--
-- When two consumer groups already stored one event twice (what this version prevents from now
-- on), the first stored key row takes the new source and the others keep their old one; their
-- points stay where they are (nothing is deleted here).

with renamed as (
    select id, shard, sequence, sub_sequence,
           case
               when source ~ '^eventhubs:[^/]+/[^/]+/[^/]+$'
                   then regexp_replace(source, '^(eventhubs:[^/]+/[^/]+)/[^/]+$', '\1')
               else 'pubsub:' || substr(source, length('pubsub://pubsub.googleapis.com/') + 1)
           end as new_source
    from ingest_records
    where source ~ '^eventhubs:[^/]+/[^/]+/[^/]+$'
       or source ~ '^pubsub://pubsub\.googleapis\.com/projects/[^/]+/topics/[^/]+$'
),
first_per_key as (
    select distinct on (new_source, shard, sequence, sub_sequence) id, new_source
    from renamed r
    where not exists (
        select 1 from ingest_records n
        where n.source = r.new_source and n.shard = r.shard
          and n.sequence = r.sequence and n.sub_sequence = r.sub_sequence)
    order by new_source, shard, sequence, sub_sequence, id
)
update ingest_records r
set source = f.new_source
from first_per_key f
where r.id = f.id;

-- The batch rows are reporting only (no key): rename them all alike.
update ingest_batches
set source = regexp_replace(source, '^(eventhubs:[^/]+/[^/]+)/[^/]+$', '\1')
where source ~ '^eventhubs:[^/]+/[^/]+/[^/]+$';

update ingest_batches
set source = 'pubsub:' || substr(source, length('pubsub://pubsub.googleapis.com/') + 1)
where source ~ '^pubsub://pubsub\.googleapis\.com/projects/[^/]+/topics/[^/]+$';
