package io.hadr.frontdoor.internal;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@code X-Azure-Ref} values: "a unique reference string that identifies a request served by
 * Azure Front Door". Like Azure's, it is a base64 string starting with {@code 0}; here it holds the
 * second, a per-front-door random part and a counter, so it is unique without coordination.
 */
public final class AzureRefs {

    private final Clock clock;
    private final long instance = new SecureRandom().nextLong();
    private final AtomicLong counter = new AtomicLong();

    public AzureRefs(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        ByteBuffer bytes = ByteBuffer.allocate(20);
        bytes.putInt((int) (clock.millis() / 1000));
        bytes.putLong(instance);
        bytes.putLong(counter.incrementAndGet());
        return "0" + Base64.getEncoder().encodeToString(bytes.array());
    }
}
