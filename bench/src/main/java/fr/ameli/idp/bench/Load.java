package fr.ameli.idp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A closed-model load: a fixed number of virtual users, each running the operation in a loop on its own thread and
 * keep-alive connection, as fast as answers come. A warm-up, then the measured window: an operation is counted when
 * it completes inside the window; its latency (from the first byte sent to the last check passed) goes into a
 * histogram; CPU is read from /proc at the two edges of the window.
 */
final class Load {

    /** One virtual user's operation; throws when a check fails (counted as an error, never silently). */
    @FunctionalInterface
    interface Operation {
        void run(VirtualUser user, boolean verify) throws Exception;
    }

    /** A virtual user: a browser (cookies of its own) and a relying party's back channel. */
    static final class VirtualUser {
        final int index;
        final Browser browser = new Browser();
        final Browser rp = new Browser();
        volatile String accessToken;

        VirtualUser(int index) {
            this.index = index;
        }
    }

    /** CPU of the processes measured, in clock ticks. */
    interface CpuProbe {
        long serverTicks();

        long databaseTicks();

        /** The server's live threads with their ticks, or none where they are not told apart (Keycloak). */
        default Map<Long, Proc.ThreadTicks> threadTicks() {
            return Map.of();
        }
    }

    record Result(String scenario, long ops, long errors, long warmupErrors, double seconds, Histogram latencyMicros,
            long serverTicks, long databaseTicks, Map<String, Long> threadTicks, List<String> errorSamples) {

        double opsPerSecond() {
            return ops / seconds;
        }

        double serverMsPerOp() {
            return ops == 0 ? Double.NaN : Proc.ticksToMillis(serverTicks) / ops;
        }

        double databaseMsPerOp() {
            return ops == 0 ? Double.NaN : Proc.ticksToMillis(databaseTicks) / ops;
        }

        /**
         * CPU per operation of a group of the server's threads ({@link #THREAD_GROUPS}; {@link #OTHER_THREADS}: the
         * server's CPU outside the groups); NaN where the threads were not told apart.
         */
        double threadMsPerOp(String group) {
            if (ops == 0 || threadTicks.isEmpty()) {
                return Double.NaN;
            }
            long ticks = group.equals(OTHER_THREADS)
                    ? serverTicks - THREAD_GROUPS.keySet().stream().mapToLong(g -> threadTicks.getOrDefault(g, 0L)).sum()
                    : threadTicks.getOrDefault(group, 0L);
            return Proc.ticksToMillis(ticks) / ops;
        }

        double p50Millis() {
            return latencyMicros.getValueAtPercentile(50) / 1000.0;
        }

        double p99Millis() {
            return latencyMicros.getValueAtPercentile(99) / 1000.0;
        }
    }

    /** The groups of the product's threads whose CPU the bench reads apart, by the start of their names. */
    static final Map<String, List<String>> THREAD_GROUPS = threadGroups();

    private static Map<String, List<String>> threadGroups() {
        Map<String, List<String>> groups = new LinkedHashMap<>(); // in the report's order
        groups.put("event loops", List.of("reactor-http-", "reactor-tcp-"));
        groups.put("password hashing", List.of("password-hashi"));
        groups.put("JIT compilers", List.of("C1 CompilerThre", "C2 CompilerThre"));
        groups.put("GC and VM", List.of("VM Thread", "GC Thread", "VM Periodic Tas", "G1 "));
        return groups;
    }

    /** Every other thread of the server (the server's CPU less the groups'). */
    static final String OTHER_THREADS = "other threads";

    /** Threads outside the groups are read by name too, under this prefix and their name without its number. */
    static final String OTHER_PREFIX = "other: ";

    /** The group of a thread named {@code name}. */
    static String threadGroup(String name) {
        for (Map.Entry<String, List<String>> group : THREAD_GROUPS.entrySet()) {
            if (group.getValue().stream().anyMatch(name::startsWith)) {
                return group.getKey();
            }
        }
        return OTHER_PREFIX + name.replaceAll("[-#\\s]*\\d+$", "");
    }

    /** One in this many operations of each user also verifies the JWT signatures and claims. */
    private static final int VERIFY_EVERY = 16;

    private Load() {
    }

    /** Called at the edges of the measured window, after CPU is read (the JFR recordings of {@code --jfr}). */
    interface WindowHooks {
        void started() throws Exception;

        void ended() throws Exception;
    }

    static Result run(String scenario, List<VirtualUser> users, Operation operation, Duration warmup, Duration window,
            CpuProbe cpu, WindowHooks hooks) throws Exception {
        long start = System.nanoTime() + warmup.toNanos();
        long end = start + window.toNanos();
        List<Worker> workers = new ArrayList<>();
        for (VirtualUser user : users) {
            Worker w = new Worker(user, operation, start, end);
            workers.add(w);
            w.thread.start();
        }
        sleepUntil(start);
        long server0 = cpu.serverTicks();
        Map<Long, Proc.ThreadTicks> threads0 = cpu.threadTicks();
        long db0 = cpu.databaseTicks();
        hooks.started();
        sleepUntil(end);
        long server1 = cpu.serverTicks();
        Map<Long, Proc.ThreadTicks> threads1 = cpu.threadTicks();
        long db1 = cpu.databaseTicks();
        double seconds = (end - start) / 1e9;
        hooks.ended();
        Histogram latency = new Histogram(60_000_000L, 3);
        long ops = 0;
        long errors = 0;
        long warmupErrors = 0;
        Set<String> samples = new LinkedHashSet<>();
        for (Worker w : workers) {
            w.thread.join();
            latency.add(w.latency);
            ops += w.ops;
            errors += w.errors;
            warmupErrors += w.warmupErrors;
            samples.addAll(w.errorSamples);
        }
        return new Result(scenario, ops, errors, warmupErrors, seconds, latency, server1 - server0, db1 - db0,
                difference(threads0, threads1), samples.stream().limit(5).toList());
    }

    /**
     * The ticks each group of threads spent between two readings, thread by thread: a thread born in between counts
     * in full; one that ended took its ticks with it (they stay in the process's total, so in "other threads").
     */
    private static Map<String, Long> difference(Map<Long, Proc.ThreadTicks> before, Map<Long, Proc.ThreadTicks> after) {
        Map<String, Long> spent = new LinkedHashMap<>();
        after.forEach((tid, thread) -> {
            Proc.ThreadTicks earlier = before.get(tid);
            long ticks = thread.ticks() - (earlier == null ? 0 : earlier.ticks());
            spent.merge(threadGroup(thread.name()), ticks, Long::sum);
        });
        return spent;
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static final class Worker implements Runnable {
        final Thread thread;
        final VirtualUser user;
        final Operation operation;
        final long start;
        final long end;
        final Histogram latency = new Histogram(60_000_000L, 3);
        final Set<String> errorSamples = new LinkedHashSet<>();
        long ops;
        long errors;
        long warmupErrors;

        Worker(VirtualUser user, Operation operation, long start, long end) {
            this.user = user;
            this.operation = operation;
            this.start = start;
            this.end = end;
            this.thread = new Thread(this, "virtual-user-" + user.index);
        }

        @Override
        public void run() {
            long n = 0;
            boolean measuring = false;
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= end) {
                    return;
                }
                if (!measuring && t0 >= start) {
                    measuring = true;
                    n = 0; // verify the first operation of the window too
                }
                boolean verify = n++ % VERIFY_EVERY == 0;
                String error = null;
                try {
                    operation.run(user, verify);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                long t1 = System.nanoTime();
                boolean inWindow = t1 >= start && t1 < end;
                if (error != null) {
                    if (inWindow) {
                        errors++;
                    } else {
                        warmupErrors++;
                    }
                    if (errorSamples.size() < 5) {
                        errorSamples.add(error);
                    }
                } else if (inWindow) {
                    ops++;
                    latency.recordValue(Math.max(1, (t1 - t0) / 1000));
                }
            }
        }
    }
}
