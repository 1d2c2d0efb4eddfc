package io.hadr.geodb.backup;

import java.util.List;

/**
 * What one SQL statement returned.
 *
 * @param command the statement's first word, e.g. {@code SELECT}, {@code DELETE}
 * @param columns column names; empty for a statement without rows
 * @param rows each row's values as text (null for SQL NULL)
 * @param updateCount rows changed by an INSERT, UPDATE or DELETE; null for a query
 * @param server the server that ran it
 */
public record QueryResult(
        String command, List<String> columns, List<List<String>> rows, Long updateCount, String server) {

    public QueryResult {
        columns = List.copyOf(columns);
        rows = rows.stream()
                .map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r)))
                .toList();
    }
}
