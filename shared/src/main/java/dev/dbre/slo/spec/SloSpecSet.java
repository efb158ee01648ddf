package dev.dbre.slo.spec;

import java.util.List;
import java.util.Optional;

/** A validated set of SLO spec files: every SLO, in file and document order. */
public record SloSpecSet(List<Slo> slos) {
    public SloSpecSet {
        slos = List.copyOf(slos);
    }

    public Optional<Slo> slo(String name) {
        return slos.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
