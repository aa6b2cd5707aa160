package fr.ameli.idp.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code idp.retention.*}: how the sweep of expired rows runs, and the retention periods that are a choice rather
 * than a consequence of a lifetime.
 *
 * @param enabled           false: this instance never sweeps (another one does; the sweep needs one instance)
 * @param interval          pause between two sweeps of an instance
 * @param batchSize         rows deleted by one statement (one short transaction)
 * @param maxBatches        batches per table and sweep; what is left waits for the next sweep
 * @param grace             kept after a row's end on top of its own retention: the clocks of the instances may
 *                          differ a little, and a request that read the row just before its end may still use it
 * @param emailConfirmation how long a confirmation link is kept after it expired and its address was forgotten: a
 *                          person who follows a dead link is told it expired (and, for an account still
 *                          pending, may ask for a new one) rather than that it is unknown
 * @param sentMail          how long a sent mail's row (recipient, subject, kind, times; the body is erased when
 *                          sent) is kept, to answer « did you send me the mail? »
 * @param unsentMail        how long a mail never sent (SMTP refused it until {@code idp.mail.max-attempts}) is kept
 *                          for an operator; its one-time links and codes are all dead by then
 */
@ConfigurationProperties("idp.retention")
record RetentionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1m") Duration interval,
        @DefaultValue("1000") int batchSize,
        @DefaultValue("100") int maxBatches,
        @DefaultValue("10m") Duration grace,
        @DefaultValue("30d") Duration emailConfirmation,
        @DefaultValue("7d") Duration sentMail,
        @DefaultValue("30d") Duration unsentMail) {

    RetentionProperties {
        if (interval.isNegative() || interval.isZero() || grace.isNegative() || emailConfirmation.isNegative()
                || sentMail.isNegative() || unsentMail.isNegative()) {
            throw new IllegalArgumentException("idp.retention: interval must be positive, retentions not negative");
        }
        if (batchSize < 1 || maxBatches < 1) {
            throw new IllegalArgumentException("idp.retention: batch-size and max-batches must be >= 1");
        }
    }
}
