package io.hadr.drill;

/** Receives a drill's live progress, one line at a time: what is happening and what was measured. */
@FunctionalInterface
public interface ProgressListener {

    void line(String text);

    /** Says nothing. */
    ProgressListener SILENT = text -> {};
}
