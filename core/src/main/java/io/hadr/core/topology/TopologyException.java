package io.hadr.core.topology;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A topology file that hadr cannot use. Each problem names the file, the line, the field, the bad
 * value and what is allowed, so that the fix is obvious without reading hadr's source.
 */
public final class TopologyException extends RuntimeException {

    /** One problem in one place of a topology file. Line 0 means "the file as a whole". */
    public record Problem(String source, int line, String message) {
        @Override
        public String toString() {
            return line > 0 ? source + ":" + line + ": " + message : source + ": " + message;
        }
    }

    private final List<Problem> problems;

    public TopologyException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a TopologyException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    static TopologyException single(String source, int line, String message) {
        return new TopologyException(List.of(new Problem(source, line, message)));
    }

    public List<Problem> problems() {
        return problems;
    }
}
