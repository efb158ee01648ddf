package dev.dbre.port;

import java.time.Instant;

/** The times a source can be restored to: [earliest, latest], both inclusive. */
public record RestoreWindow(Instant earliest, Instant latest) {
    public boolean contains(Instant t) {
        return !t.isBefore(earliest) && !t.isAfter(latest);
    }
}
