package dev.dbre.ingest.store;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Series ids by series key, kept across the warm invocations of one function instance (one per
 * {@link dev.dbre.ingest.IngestService}). Bounded: when it holds {@code maxEntries} it is emptied and
 * fills again from the database on demand, a cheap reset that keeps memory flat under a runaway
 * tag. Only ids of committed series are put in (a series created by a transaction that rolled back
 * does not exist). Thread-safe.
 */
public final class SeriesCache {
    private final int maxEntries;
    private final ConcurrentHashMap<Key, Long> ids = new ConcurrentHashMap<>();

    public SeriesCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    Long get(byte[] key, int hash) {
        return ids.get(new Key(key, hash));
    }

    void put(byte[] key, int hash, long id) {
        if (ids.size() >= maxEntries) {
            ids.clear();
        }
        ids.put(new Key(key, hash), id);
    }

    /** How many ids it holds. */
    public int size() {
        return ids.size();
    }

    private record Key(byte[] bytes, int hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
