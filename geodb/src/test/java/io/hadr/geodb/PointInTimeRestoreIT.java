package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.geodb.backup.RestoreRefusedException;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoreTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.NavigableMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Point-in-time restores of a live group with writes flowing: exact to the transaction. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PointInTimeRestoreIT {

    private GeoDatabase db;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        db = new GeoDatabase(GeoDbHarness.config(tempDir).build());
        db.start((step, at) -> System.out.printf("start: %s %.1f s%n", step, at.toMillis() / 1e3));
        GeoDbHarness.createTable(db);
    }

    @AfterAll
    void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void shouldRestoreEveryCommitAtOrBeforeTheTargetAndNoneAfterWhileWritesFlow() throws Exception {
        NavigableMap<Long, Instant> all;
        RestoreResult result;
        Instant target;
        try (Writer writer = new Writer(db.readWriteListener().jdbcUrl(), 1_000_000)) {
            writer.awaitMore(300, Duration.ofSeconds(60));
            all = BackupHarness.rows(db.readWriteListener().jdbcUrl());
            target = BackupHarness.between(all, 0.5);

            result = db.restore(new RestoreRequest(new RestoreTarget.AtTime(target), "at-t", null),
                    (step, at) -> System.out.printf("restore: %s %.1f s%n", step, at.toMillis() / 1e3));
            writer.awaitMore(50, Duration.ofSeconds(60));
        }

        NavigableMap<Long, Instant> expected = BackupHarness.committedBy(all, target);
        NavigableMap<Long, Instant> restored = BackupHarness.rowsOn(db, result.port());
        System.out.println(result);
        assertThat(expected).isNotEmpty().hasSizeLessThan(all.size());
        assertThat(restored).containsExactlyEntriesOf(expected);
        assertThat(result.reachedCommitTime()).isBeforeOrEqualTo(target);
        assertThat(db.restores()).extracting(r -> r.name()).contains("at-t");
    }

    @Test
    void shouldRefuseTargetsOutsideTheRestorableRangeNamingIt() {
        Instant now = Instant.now();

        assertThatThrownBy(() -> db.restore(new RestoreRequest(new RestoreTarget.AtTime(now.plusSeconds(3600)), "future",
                null), ProgressListener.NONE)).isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("in the future").hasMessageContaining("the valid range is from");
        assertThatThrownBy(() -> db.restore(new RestoreRequest(new RestoreTarget.AtTime(now.minusSeconds(86_400)), "past",
                null), ProgressListener.NONE)).isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("before the earliest restore point").hasMessageContaining("the valid range is from");
        assertThatThrownBy(() -> db.restore(new RestoreRequest(new RestoreTarget.AtLsn("FFFF/0"), "beyond", null),
                ProgressListener.NONE)).isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("beyond the last archived WAL").hasMessageContaining("this store restores LSNs from");
        assertThatThrownBy(() -> db.restore(new RestoreRequest(new RestoreTarget.AtMark("no-such-mark"), "nomark", null),
                ProgressListener.NONE)).isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("no restore point of that name");
        assertThat(db.restores()).extracting(r -> r.name()).doesNotContain("future", "past", "beyond", "nomark");
    }
}
