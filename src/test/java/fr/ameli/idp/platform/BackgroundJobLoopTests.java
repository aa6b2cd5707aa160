package fr.ameli.idp.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The loop every background job runs in: timing of runs, errors, metrics, stop. */
class BackgroundJobLoopTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private @Nullable BackgroundJobLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.stop();
        }
    }

    @Test
    void startWhenJobFailsThenFailureCountedAndTheLoopGoesOn() {
        AtomicInteger runs = new AtomicInteger();
        loop = start(new Job("flaky", Duration.ZERO, Duration.ofMillis(10), Duration.ofSeconds(1),
                () -> runs.incrementAndGet() == 1 ? Mono.error(new IllegalStateException("secret@example.org"))
                        : Mono.empty()));

        await().until(() -> runs.get() >= 3);

        assertThat(meters.get("idp.job.run").tags("job", "flaky", "outcome", "failure").timer().count()).isEqualTo(1);
        assertThat(meters.get("idp.job.run").tags("job", "flaky", "outcome", "success").timer().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.get("idp.job.last.success.time").tags("job", "flaky").gauge().value()).isPositive();
    }

    @Test
    void startWhenJobThrowsWhileAssemblingThenCountedAsAFailureAndTheLoopGoesOn() {
        AtomicInteger runs = new AtomicInteger();
        loop = start(new Job("throwing", Duration.ZERO, Duration.ofMillis(10), Duration.ofSeconds(1), () -> {
            runs.incrementAndGet();
            throw new IllegalArgumentException("no Mono at all");
        }));

        await().until(() -> runs.get() >= 2);

        assertThat(meters.get("idp.job.run").tags("job", "throwing", "outcome", "failure").timer().count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void startWhenRunsOutlastTheIntervalThenTheyNeverOverlap() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        loop = start(new Job("slow", Duration.ZERO, Duration.ofMillis(1), Duration.ofSeconds(1),
                () -> Mono.fromRunnable(() -> most.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                        .then(Mono.delay(Duration.ofMillis(30)))
                        // doOnTerminate, not doFinally: doFinally runs after completion has reached the loop, which
                        // may already have started the next run; the test would then see an overlap that is its own.
                        .doOnTerminate(() -> {
                            inFlight.decrementAndGet();
                            runs.incrementAndGet();
                        })
                        .then()));

        await().until(() -> runs.get() >= 5);

        assertThat(most.get()).isEqualTo(1);
    }

    @Test
    void startWhenInitialDelayNotReachedThenNoRunAndStopReturnsAtOnce() {
        AtomicInteger runs = new AtomicInteger();
        BackgroundJobLoop later = start(new Job("later", Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(5),
                () -> Mono.fromRunnable(runs::incrementAndGet)));

        later.stop();

        assertThat(runs.get()).isZero();
        assertThat(later.isRunning()).isFalse();
    }

    @Test
    void stopWhenARunIsInFlightThenWaitsForItAndStartsNoOther() {
        AtomicInteger started = new AtomicInteger();
        AtomicBoolean finished = new AtomicBoolean();
        BackgroundJobLoop draining = start(new Job("draining", Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10),
                () -> Mono.fromRunnable(started::incrementAndGet).then(Mono.delay(Duration.ofMillis(300)))
                        .doOnSuccess(v -> finished.set(true)).then()));
        await().until(() -> started.get() == 1);

        draining.stop();

        assertThat(finished).isTrue();
        assertThat(started.get()).isEqualTo(1);
    }

    @Test
    void stopWhenTheRunOutlastsStopTimeoutThenItIsCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicBoolean started = new AtomicBoolean();
        BackgroundJobLoop stuck = start(new Job("stuck", Duration.ZERO, Duration.ofSeconds(1), Duration.ofMillis(100),
                () -> Mono.<Void>never().doOnSubscribe(s -> started.set(true)).doOnCancel(() -> cancelled.set(true))));
        await().until(started::get);

        stuck.stop();

        assertThat(cancelled).isTrue();
    }

    @Test
    void startWhenJobDisabledThenNeverRuns() {
        AtomicInteger runs = new AtomicInteger();
        loop = start(new Job("off", Duration.ZERO, Duration.ofMillis(1), Duration.ofSeconds(1),
                () -> Mono.fromRunnable(runs::incrementAndGet)) {
            @Override
            public String disabledReason() {
                return "switched off";
            }
        });

        assertThat(loop.isRunning()).isFalse();
        assertThat(runs.get()).isZero();
    }

    @Test
    void startWhenStoppedThenStartedAgainThenRunsAgain() {
        AtomicInteger runs = new AtomicInteger();
        loop = start(new Job("again", Duration.ZERO, Duration.ofMillis(5), Duration.ofSeconds(1),
                () -> Mono.fromRunnable(runs::incrementAndGet)));
        await().until(() -> runs.get() >= 1);
        loop.stop();
        int afterStop = runs.get();

        loop.start();

        await().until(() -> runs.get() > afterStop);
    }

    @Test
    void describeWhenCauseChainThenClassNamesOnlyNeverMessages() {
        Exception error = new IllegalStateException("refused for marie@example.org",
                new java.io.IOException("550 marie@example.org unknown"));

        assertThat(Failures.describe(error)).isEqualTo("java.lang.IllegalStateException < java.io.IOException");
    }

    private BackgroundJobLoop start(BackgroundJob job) {
        BackgroundJobLoop started = new BackgroundJobLoop(job, meters, Clock.systemUTC());
        started.start();
        return started;
    }

    /** Polls every 5 ms from the start (a run in flight is seen before it ends); fails after 10 s. */
    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private static class Job implements BackgroundJob {
        private final String name;
        private final Duration initialDelay;
        private final Duration interval;
        private final Duration stopTimeout;
        private final Supplier<Mono<Void>> run;

        Job(String name, Duration initialDelay, Duration interval, Duration stopTimeout, Supplier<Mono<Void>> run) {
            this.name = name;
            this.initialDelay = initialDelay;
            this.interval = interval;
            this.stopTimeout = stopTimeout;
            this.run = run;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Duration interval() {
            return interval;
        }

        @Override
        public Duration initialDelay() {
            return initialDelay;
        }

        @Override
        public Duration stopTimeout() {
            return stopTimeout;
        }

        @Override
        public Mono<Void> run() {
            return run.get();
        }
    }
}
