package io.hadr.drill.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A drill file hadr cannot run. Every problem names the file, the line and the field, so the fix
 * is clear without reading hadr's source; all problems of a file are reported at once.
 */
public final class DrillFileException extends RuntimeException {

    /** One problem; line 0 means the file as a whole. */
    public record Problem(String source, int line, String field, String message) {
        @Override
        public String toString() {
            String where = line > 0 ? source + ":" + line : source;
            return where + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + message;
        }
    }

    private final List<Problem> problems;

    public DrillFileException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a DrillFileException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public static DrillFileException single(String source, int line, String field, String message) {
        return new DrillFileException(List.of(new Problem(source, line, field, message)));
    }

    public List<Problem> problems() {
        return problems;
    }
}
