package io.hadr.core.topology;

import java.time.Duration;

/**
 * Backups for point-in-time restore.
 *
 * @param retention how far back a restore can go (Azure SQL: 1–35 days, default 7)
 */
public record BackupSpec(Duration retention) {}
