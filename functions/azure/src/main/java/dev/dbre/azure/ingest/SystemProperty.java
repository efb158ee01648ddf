package dev.dbre.azure.ingest;

/**
 * One entry of the Event Hubs trigger's {@code SystemPropertiesArray} metadata, as the Java worker
 * binds it (field names are the host's JSON keys). Numbers are kept as text: a sequence number is
 * a 64-bit integer that a JSON double would round.
 */
public final class SystemProperty {
    public String SequenceNumber;
    public String Offset;
    public String PartitionKey;
    public String EnqueuedTimeUtc;
}
