package dev.dbre.slo.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A set of SLO spec files is invalid. Nothing from the set may be reported: the message lists
 * every problem found, each with its file, line and field ({@code slo/api.yaml:12:
 * spec.objectives[0].target: must be in [0, 1), was 1.5}).
 */
public final class SloSpecException extends RuntimeException {
    private final List<SpecProblem> problems;

    public SloSpecException(List<SpecProblem> problems) {
        super(problems.stream().map(SpecProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    SloSpecException(String file, int line, String field, String problem) {
        this(List.of(new SpecProblem(file, line, field, problem)));
    }

    /** Every problem found, in file and line order. */
    public List<SpecProblem> problems() {
        return problems;
    }
}
