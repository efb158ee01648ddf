package dev.dbre.backup;

import dev.dbre.port.Snapshot;
import java.util.List;

/** A snapshot the plan keeps, with every reason it is kept. */
public record KeptSnapshot(Snapshot snapshot, List<KeepReason> reasons) {
    public KeptSnapshot {
        reasons = List.copyOf(reasons);
    }

    /** True when one of the reasons is of {@code kind}. */
    public boolean keptFor(KeepReason.Kind kind) {
        return reasons.stream().anyMatch(r -> r.kind() == kind);
    }
}
