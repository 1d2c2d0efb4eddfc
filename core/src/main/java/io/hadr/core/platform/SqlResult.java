package io.hadr.core.platform;

import java.util.List;

/**
 * What one SQL statement returned.
 *
 * @param command the statement's command tag word, e.g. {@code SELECT}, {@code DELETE}
 * @param columns column names; empty for a statement without rows
 * @param rows each row's values as text (null for SQL NULL)
 * @param updateCount rows changed by an INSERT, UPDATE or DELETE; null for a query
 */
public record SqlResult(String command, List<String> columns, List<List<String>> rows, Long updateCount) {}
