package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverMode;
import io.hadr.geodb.GeoDbEvent;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what happens in the group into {@link GeoDbEvent}s: logged, and handed to every listener. */
public final class Events implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final Clock clock;
    private final List<Consumer<GeoDbEvent>> listeners = new CopyOnWriteArrayList<>();

    public Events(Clock clock) {
        this.clock = clock;
    }

    public void add(Consumer<GeoDbEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    @Override
    public void emit(GeoDbEvent.Kind kind, String subject, Object from, Object to, String reason) {
        publish(new GeoDbEvent(clock.instant(), kind, subject, text(from), text(to), null, reason));
    }

    /** A failover event: always from the old primary to the target, with the mode in its own field. */
    public void failover(String oldPrimary, String target, FailoverMode mode, String reason) {
        publish(new GeoDbEvent(clock.instant(), GeoDbEvent.Kind.FAILOVER, target, oldPrimary, target, mode, reason));
    }

    private void publish(GeoDbEvent event) {
        LOG.info(
                "{} {}: {} -> {}{} ({})",
                event.kind(),
                event.subject(),
                event.from(),
                event.to(),
                event.mode() == null ? "" : " [" + event.mode() + "]",
                event.reason());
        for (Consumer<GeoDbEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("An event listener failed: {}", e.toString());
            }
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
