package fr.ameli.idp.platform;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The loop of one {@link BackgroundJob}: wait {@code initialDelay}, run, wait {@code interval}, run... until
 * {@link #stop()}. {@link BackgroundJobs} keeps one per job bean; a test may start one of its own on a job
 * instance it built (a second replica).
 *
 * <p>Metrics, tagged {@code job}: {@code idp_job_run_seconds} (a timer, tagged {@code outcome} success or
 * failure: count, total and maximum duration of the runs) and {@code idp_job_last_success_time_seconds} (when
 * the last run succeeded, epoch seconds; 0 before the first): alert on its age.
 */
public final class BackgroundJobLoop {

    private static final Logger log = LoggerFactory.getLogger(BackgroundJobLoop.class);

    private final BackgroundJob job;
    private final Clock clock;
    private final Timer succeeded;
    private final Timer failed;
    private final AtomicLong lastSuccess = new AtomicLong();
    private final AtomicInteger failuresInARow = new AtomicInteger();

    private @Nullable Running running;
    /** Ends with the last loop: a restarted loop waits for it, so that two runs of the job never overlap. */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    /** A started loop: the stop flag and signal, and what completes when the loop has ended. */
    private record Running(AtomicBoolean stopping, Sinks.Empty<Void> wakeUp, CompletableFuture<Void> ended,
            Disposable subscription) {
    }

    public BackgroundJobLoop(BackgroundJob job, MeterRegistry meters, Clock clock) {
        this.job = job;
        this.clock = clock;
        this.succeeded = timer(meters, "success");
        this.failed = timer(meters, "failure");
        Gauge.builder("idp.job.last.success.time", lastSuccess, AtomicLong::get).baseUnit("seconds")
                .description("When the last run of the job succeeded (epoch seconds, 0: not yet)")
                .tag("job", job.name()).register(meters);
    }

    private Timer timer(MeterRegistry meters, String outcome) {
        return Timer.builder("idp.job.run").description("Runs of a background job and how long they took")
                .tag("job", job.name()).tag("outcome", outcome).register(meters);
    }

    public BackgroundJob job() {
        return job;
    }

    /** Starts the loop, unless it is running or the job is disabled on this instance. */
    public synchronized void start() {
        if (running != null) {
            return;
        }
        String disabled = job.disabledReason();
        if (disabled != null) {
            log.info("Background job {} does not run on this instance: {}", job.name(), disabled);
            return;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Sinks.Empty<Void> wakeUp = Sinks.empty();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        // The check before each run, not only the repeat condition: a stop during a pause ends the pause early.
        Mono<Void> cycle = Mono.defer(() -> stopping.get() ? Mono.<Void>empty() : runOnce())
                .then(Mono.defer(() -> pause(job.interval(), wakeUp)));
        Disposable subscription = Mono.fromFuture(previous, true)
                .then(Mono.defer(() -> pause(job.initialDelay(), wakeUp)))
                .then(cycle.repeat(() -> !stopping.get()).then())
                .doFinally(signal -> ended.complete(null))
                .subscribe();
        running = new Running(stopping, wakeUp, ended, subscription);
        previous = ended;
        log.debug("Background job {} started: first run in {}, then every {}", job.name(), job.initialDelay(),
                job.interval());
    }

    /** Whether the loop is started (it may be between two runs). */
    public synchronized boolean isRunning() {
        return running != null;
    }

    /**
     * Asks the loop to stop: no run starts any more; the run in flight goes on. Completes when the loop has
     * ended: at once when it was pausing, after the run in flight otherwise, or after {@code stopTimeout}, when
     * that run is cancelled.
     */
    public CompletableFuture<Void> stopAsync() {
        Running r;
        synchronized (this) {
            r = running;
            running = null;
        }
        if (r == null) {
            return CompletableFuture.completedFuture(null);
        }
        r.stopping().set(true);
        r.wakeUp().tryEmitEmpty();
        Duration timeout = job.stopTimeout();
        return r.ended().copy()
                .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenRun(() -> {
                    if (!r.ended().isDone()) {
                        log.warn("Background job {}: the run in flight outlasted {}; cancelled", job.name(), timeout);
                        r.subscription().dispose();
                    }
                });
    }

    /** {@link #stopAsync()}, waiting for it. Not on an event loop. */
    public void stop() {
        stopAsync().join();
    }

    private Mono<Void> runOnce() {
        long start = System.nanoTime();
        return Mono.defer(job::run)
                .then(Mono.fromRunnable(() -> {
                    succeeded.record(Duration.ofNanos(System.nanoTime() - start));
                    lastSuccess.set(clock.instant().getEpochSecond());
                    failuresInARow.set(0);
                }))
                .onErrorResume(error -> {
                    failed.record(Duration.ofNanos(System.nanoTime() - start));
                    log.warn("Background job {} failed ({} in a row): {}; next run in {}", job.name(),
                            failuresInARow.incrementAndGet(), Failures.describe(error), job.interval());
                    return Mono.empty();
                })
                .then();
    }

    /** Waits {@code delay}, cut short by a stop. */
    private Mono<Void> pause(Duration delay, Sinks.Empty<Void> wakeUp) {
        return Mono.delay(delay, Schedulers.parallel()).then().takeUntilOther(wakeUp.asMono());
    }
}
