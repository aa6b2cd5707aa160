package fr.ameli.idp.platform;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Work an instance does by itself, again and again: reload the signing keys, refresh the relying parties, send
 * the mail outbox, sweep expired rows... A job only says what one run does and how often; {@link BackgroundJobs}
 * runs every job bean the same way: a fixed delay between the end of a run and the start of the next (runs of a
 * job never overlap), an error logged (class names only) and counted, after which the loop goes on, metrics
 * per job ({@code idp_job_*}), and a graceful stop that lets the run in flight finish.
 *
 * <p>A run is a {@code Mono}: it must not block (it starts on the {@code parallel} scheduler; blocking work
 * goes to a scheduler of its own). It may be cancelled when the instance stops and the run outlasts
 * {@link #stopTimeout()}: database work in it must be transactional so that a cancelled run leaves nothing
 * half done.
 */
public interface BackgroundJob {

    /** Short, stable, lower-case with hyphens: the {@code job} tag of the metrics and the name in the logs. */
    String name();

    /** Pause between the end of one run and the start of the next. */
    Duration interval();

    /** Delay between the start of the instance and the first run; one interval unless the job says otherwise. */
    default Duration initialDelay() {
        return interval();
    }

    /** One run. Errors are the runner's business: it logs them without their message and carries on. */
    Mono<Void> run();

    /** Why the job does not run on this instance (logged once at start), or {@code null} when it runs. */
    default @Nullable String disabledReason() {
        return null;
    }

    /**
     * How long stopping the instance waits for the run in flight (the mail sender's drain: the batch in flight
     * is sent and its outcomes recorded). A run still going after that is cancelled.
     */
    default Duration stopTimeout() {
        return Duration.ofSeconds(10);
    }
}
