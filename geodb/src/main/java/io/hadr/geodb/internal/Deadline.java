package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.GeoDbTimeoutException;
import io.hadr.toolkit.DeadlineExceededException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The toolkit's {@link io.hadr.toolkit.Deadline#await} with geodb's rules: a {@link GeoDbException}
 * from the probe ends the wait at once (e.g. the server's process died), and a wait that runs out
 * is a {@link GeoDbTimeoutException}, so that callers handle every geodb failure as one type.
 */
public final class Deadline {

    private Deadline() {}

    public static <T> T await(
            String what, Duration timeout, Duration interval, Callable<T> probe, Supplier<String> state) {
        try {
            return io.hadr.toolkit.Deadline.await(
                    what, timeout, interval, probe, state, e -> e instanceof GeoDbException);
        } catch (DeadlineExceededException e) {
            throw new GeoDbTimeoutException(e.getMessage(), e.getCause());
        }
    }
}
