package io.sparksweep.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A sweep file that cannot be run, with every problem found in it (not only the first). */
public final class SweepFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<Problem> problems;

    public SweepFileException(List<Problem> problems) {
        super(render(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a SweepFileException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String render(List<Problem> problems) {
        String head = problems.size() == 1 ? "1 problem in sweep file" : problems.size() + " problems in sweep file";
        return head + ":\n" + problems.stream().map(p -> "  - " + p.message()).collect(Collectors.joining("\n"));
    }
}
