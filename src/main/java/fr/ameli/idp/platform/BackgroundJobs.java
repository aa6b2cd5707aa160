package fr.ameli.idp.platform;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs every {@link BackgroundJob} bean of the application, each in its own {@link BackgroundJobLoop}.
 *
 * <p>Started with the application context, in a phase before the web server's, and stopped after it: the web
 * server first stops taking requests and finishes those in flight (graceful shutdown), then the jobs stop,
 * each finishing its run in flight within its {@link BackgroundJob#stopTimeout()}, all at once. The database
 * pool closes only after that (it is a bean, destroyed after every lifecycle has stopped).
 */
@Component
public class BackgroundJobs implements SmartLifecycle {

    /** Below Spring Boot's web server lifecycles (graceful shutdown, start/stop). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(BackgroundJobs.class);

    private final Map<String, BackgroundJobLoop> loops = new LinkedHashMap<>();
    private volatile boolean running;

    BackgroundJobs(ObjectProvider<BackgroundJob> jobs, MeterRegistry meters, Clock clock) {
        jobs.orderedStream().forEach(job -> {
            if (loops.putIfAbsent(job.name(), new BackgroundJobLoop(job, meters, clock)) != null) {
                throw new IllegalStateException("Two background jobs are named " + job.name());
            }
        });
    }

    @Override
    public void start() {
        loops.values().forEach(BackgroundJobLoop::start);
        running = true;
        log.info("Background jobs: {}", loops.values().stream()
                .map(loop -> loop.job().name() + (loop.isRunning() ? " every " + loop.job().interval() : " (off)"))
                .collect(Collectors.joining(", ")));
    }

    /** Stops every job at once; the callback runs when the last has finished its run in flight. */
    @Override
    public void stop(Runnable callback) {
        stopAll().whenComplete((done, error) -> callback.run());
    }

    @Override
    public void stop() {
        stopAll().join();
    }

    private CompletableFuture<Void> stopAll() {
        running = false;
        return CompletableFuture.allOf(loops.values().stream().map(BackgroundJobLoop::stopAsync)
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The names of the jobs, in start order. */
    public List<String> names() {
        return List.copyOf(loops.keySet());
    }

    /** Stops one job and waits for its run in flight (tests that need the table to themselves). */
    public void stop(String name) {
        loop(name).stop();
    }

    /** Starts one job again after {@link #stop(String)}. */
    public void start(String name) {
        loop(name).start();
    }

    private BackgroundJobLoop loop(String name) {
        BackgroundJobLoop loop = loops.get(name);
        if (loop == null) {
            throw new IllegalArgumentException("No background job named " + name);
        }
        return loop;
    }
}
