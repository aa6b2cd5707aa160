package fr.ameli.idp.mail;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The outbox sender's settings ({@code idp.mail.*}); the SMTP server itself is Spring Boot's
 * {@code spring.mail.*}.
 *
 * @param from           sender of every mail, display name included
 * @param pollInterval   how often each instance looks for due mails
 * @param batchSize      how many due mails one poll claims at most
 * @param lease          how long a claimed mail is reserved for the instance that claimed it. A mail is
 *                       sent only while at least half of its lease remains, so half the lease must exceed
 *                       one SMTP exchange (its timeouts are 5 s each); mails of a batch that wait longer
 *                       are left for the next poll
 * @param initialBackoff delay before the first retry; doubled at each failure
 * @param maxBackoff     longest delay between two attempts
 * @param maxAttempts    attempts after which the mail is no longer retried: it stays in the table, unsent,
 *                       for an operator (ERROR logged, {@code idp.mail.outbox.parked} gauge)
 * @param smtpThreads    threads of the scheduler the blocking SMTP client runs on
 * @param senderEnabled  false: this instance only enqueues (another instance sends)
 */
@ConfigurationProperties("idp.mail")
record MailProperties(
        @DefaultValue("Votre Assurance Maladie <ne-pas-repondre@assurance-maladie.example>") String from,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("20") int batchSize,
        @DefaultValue("2m") Duration lease,
        @DefaultValue("5s") Duration initialBackoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("50") int maxAttempts,
        @DefaultValue("2") int smtpThreads,
        @DefaultValue("true") boolean senderEnabled) {

    MailProperties {
        if (pollInterval.isNegative() || pollInterval.isZero() || lease.isNegative() || lease.isZero()
                || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("idp.mail: durations must be positive, max-backoff >= initial-backoff");
        }
        if (batchSize < 1 || maxAttempts < 1 || smtpThreads < 1) {
            throw new IllegalArgumentException("idp.mail: batch-size, max-attempts and smtp-threads must be >= 1");
        }
    }

    /** Delay after the given number of failed attempts: initial, doubled each time, capped at the maximum. */
    Duration backoff(int failedAttempts) {
        return new fr.ameli.idp.platform.Backoff(initialBackoff, maxBackoff).after(failedAttempts);
    }
}
