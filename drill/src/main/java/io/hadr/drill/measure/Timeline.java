package io.hadr.drill.measure;

import io.hadr.drill.spec.TrafficKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Traffic over time in fixed buckets: per kind, the successes each region answered and the
 * failures. What the report's chart draws and what "traffic share per region over time" means.
 *
 * @param bucketMs the width of a bucket
 * @param startMs the first bucket's start, in ms after the drill's time origin
 * @param regions the regions that answered, sorted
 * @param reads successes per region and failures per bucket
 * @param writes likewise
 */
public record Timeline(long bucketMs, double startMs, List<String> regions, Series reads, Series writes) {

    /** One kind's buckets. */
    public record Series(Map<String, long[]> okByRegion, long[] failed) {}

    public static Timeline of(List<Sample> samples, Timebase base, long bucketMs) {
        TreeSet<String> regions = new TreeSet<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Sample s : samples) {
            if (s.ok() && s.region() != null) {
                regions.add(s.region());
            }
            first = Math.min(first, s.sendNanos());
            last = Math.max(last, s.sendNanos());
        }
        if (samples.isEmpty()) {
            first = base.originNanos();
            last = first;
        }
        double startMs = Math.floor(base.msAt(first) / bucketMs) * bucketMs;
        int buckets = (int) ((base.msAt(last) - startMs) / bucketMs) + 1;
        return new Timeline(
                bucketMs,
                startMs,
                List.copyOf(regions),
                series(samples, TrafficKind.READS, regions, base, startMs, bucketMs, buckets),
                series(samples, TrafficKind.WRITES, regions, base, startMs, bucketMs, buckets));
    }

    private static Series series(
            List<Sample> samples,
            TrafficKind kind,
            TreeSet<String> regions,
            Timebase base,
            double startMs,
            long bucketMs,
            int buckets) {
        Map<String, long[]> ok = new LinkedHashMap<>();
        for (String region : regions) {
            ok.put(region, new long[buckets]);
        }
        long[] failed = new long[buckets];
        for (Sample s : samples) {
            if (s.kind() != kind) {
                continue;
            }
            int bucket = (int) ((base.msAt(s.sendNanos()) - startMs) / bucketMs);
            if (s.ok() && s.region() != null) {
                ok.get(s.region())[bucket]++;
            } else if (!s.ok()) {
                failed[bucket]++;
            }
        }
        return new Series(ok, failed);
    }

    /** Each bucket's start in ms after the time origin. */
    public List<Double> bucketStarts() {
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < reads.failed.length; i++) {
            starts.add(startMs + (double) i * bucketMs);
        }
        return starts;
    }
}
