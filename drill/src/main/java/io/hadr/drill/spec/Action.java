package io.hadr.drill.spec;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.Capability;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.topology.Durations;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** One thing a drill step does. Each names the platform capabilities it needs. */
public sealed interface Action {

    /** The action as a drill file writes it. */
    String text();

    /** What the platform must be able to do; a step whose platform lacks one is not applicable. */
    default Set<Capability> capabilities() {
        return Set.of();
    }

    /** Whether the action disturbs service, so that it is the fault when a drill marks none. */
    default boolean disruptive() {
        return false;
    }

    record App(AppAction action, RegionRef region) implements Action {
        public String text() {
            return "app " + action.word() + " " + region.written();
        }

        public Set<Capability> capabilities() {
            return Set.of(action == AppAction.KILL ? Capability.APP_KILL : Capability.APP_LIFECYCLE);
        }

        public boolean disruptive() {
            return action != AppAction.START;
        }
    }

    /**
     * @param instances the instance count, or null for the topology's instances per region
     */
    record Scale(RegionRef region, Integer instances) implements Action {
        public String text() {
            return "app scale " + region.written() + " " + (instances == null ? "full" : instances);
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.APP_SCALE);
        }

        public boolean disruptive() {
            return instances != null && instances == 0;
        }
    }

    record RegionChange(RegionAction action, RegionRef region) implements Action {
        public String text() {
            return "region " + action.word() + " " + region.written();
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.REGION_OUTAGE);
        }

        public boolean disruptive() {
            return action == RegionAction.DOWN;
        }
    }

    record Failover(FailoverMode mode) implements Action {
        public String text() {
            return "db failover " + mode.word();
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.DB_FAILOVER);
        }

        public boolean disruptive() {
            return true;
        }
    }

    /**
     * @param as the restored server's name, or null to let the platform choose
     * @param from restore from this region's backup copies (a geo-restore), or null
     */
    record Restore(RestorePoint point, String as, RegionRef from) implements Action {
        public String text() {
            return "db restore to " + point.text() + (as == null ? "" : " as " + as)
                    + (from == null ? "" : " from " + from.written());
        }

        public Set<Capability> capabilities() {
            Set<Capability> needed = EnumSet.of(Capability.RESTORE);
            if (point instanceof RestorePoint.Mark || point instanceof RestorePoint.Lsn) {
                needed.add(Capability.RESTORE_EXACT);
            }
            if (from != null) {
                needed.add(Capability.GEO_RESTORE);
            }
            return needed;
        }
    }

    /** @param restore the restore to adopt, or null for the drill's latest one */
    record Adopt(String restore) implements Action {
        public String text() {
            return "db adopt" + (restore == null ? "" : " " + restore);
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.ADOPT);
        }
    }

    /**
     * One SQL statement. {@code ${writers}} in it becomes the drill's writer ids as a quoted,
     * comma-separated list and {@code ${writer}} the first one, so that a drill can touch exactly
     * its own rows.
     *
     * @param on where it runs
     * @param name for a server or restore target, its name; null for the listener or the latest restore
     */
    record Sql(String statement, On on, String name) implements Action {
        public enum On {
            LISTENER,
            SERVER,
            RESTORE
        }

        public String text() {
            String where = switch (on) {
                case LISTENER -> "";
                case SERVER -> " on server " + name;
                case RESTORE -> " on restore" + (name == null ? "" : " " + name);
            };
            return "db sql \"" + statement + "\"" + where;
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.SQL);
        }

        public boolean disruptive() {
            String verb = statement.trim().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
            return Set.of("DELETE", "UPDATE", "DROP", "TRUNCATE", "ALTER").contains(verb);
        }
    }

    record Mark(String name) implements Action {
        public String text() {
            return "db mark " + name;
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.RESTORE_EXACT);
        }
    }

    record Origin(RegionRef region, OriginChange change) implements Action {
        public String text() {
            String what = change.enabled() != null
                    ? (change.enabled() ? "enable" : "disable")
                    : change.priority() != null ? "priority " + change.priority() : "weight " + change.weight();
            return "frontdoor origin " + region.written() + " " + what;
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.ORIGIN_UPDATE);
        }

        public boolean disruptive() {
            return Boolean.FALSE.equals(change.enabled());
        }
    }

    record Link(LinkFault fault) implements Action {
        public String text() {
            if (fault instanceof LinkFault.Latency latency) {
                return "link latency " + Durations.format(latency.oneWay());
            }
            return fault instanceof LinkFault.Partition ? "link partition" : "link heal";
        }

        public Set<Capability> capabilities() {
            return Set.of(Capability.LINK_FAULTS);
        }

        public boolean disruptive() {
            return fault instanceof LinkFault.Partition;
        }
    }

    record Wait(Duration duration) implements Action {
        public String text() {
            return "wait " + Durations.format(duration);
        }
    }

    record Expect(Condition condition, Duration within) implements Action {
        public String text() {
            return "expect " + condition.text() + " within " + Durations.format(within);
        }
    }

    /**
     * Pauses or resumes the drill's own traffic, as an operator puts a site into maintenance.
     *
     * @param kind the traffic, or null for both
     */
    record Traffic(boolean pause, TrafficKind kind) implements Action {
        public String text() {
            return "traffic " + (pause ? "pause" : "resume") + (kind == null ? "" : " " + kind.word());
        }
    }
}
