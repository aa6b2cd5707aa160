package fr.ameli.idp.oidc.logout;

import fr.ameli.idp.platform.Backoff;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How logout tokens are delivered ({@code idp.backchannel-logout.*}): the outbox {@code backchannel_logout} is polled
 * by every instance, each claiming due rows for {@code lease}.
 *
 * @param pollInterval   how often each instance looks for due logout tokens
 * @param batchSize      rows one poll claims at most (all sent at once: the HTTP client does not block)
 * @param lease          how long a claimed row is reserved for its instance; more than {@code timeout}
 * @param connectTimeout how long connecting to the relying party's endpoint may take
 * @param timeout        how long the whole HTTP exchange with it may take
 * @param tokenTtl       lifetime of a logout token ({@code exp} − {@code iat}): a new token at each attempt
 * @param initialBackoff delay before the first retry; doubled at each failure
 * @param maxBackoff     longest delay between two attempts
 * @param maxAttempts    failed attempts after which the row is dropped (WARN logged, counter)
 * @param senderEnabled  false: this instance only queues (another sends)
 */
@ConfigurationProperties("idp.backchannel-logout")
record BackchannelLogoutProperties(
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("50") int batchSize,
        @DefaultValue("1m") Duration lease,
        @DefaultValue("3s") Duration connectTimeout,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("2m") Duration tokenTtl,
        @DefaultValue("5s") Duration initialBackoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("true") boolean senderEnabled) {

    BackchannelLogoutProperties {
        if (pollInterval.isNegative() || pollInterval.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()
                || timeout.isNegative() || timeout.isZero() || tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("idp.backchannel-logout: durations must be positive");
        }
        if (lease.compareTo(timeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("idp.backchannel-logout: lease must be at least twice the timeout");
        }
        if (batchSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("idp.backchannel-logout: batch-size and max-attempts must be >= 1");
        }
        new Backoff(initialBackoff, maxBackoff); // checks them
    }

    Backoff backoff() {
        return new Backoff(initialBackoff, maxBackoff);
    }
}
