package fr.ameli.idp.ratelimit;

import fr.ameli.idp.platform.IdpProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Counts a request against a limit and says whether it is allowed. The counter is one row per key and window,
 * incremented by {@code INSERT … ON CONFLICT … DO UPDATE … RETURNING count}: atomic, so concurrent requests on
 * any number of instances are counted exactly. A refused request is counted too (it keeps trying).
 *
 * <p>The key is HMAC-SHA-256(bucket | subject) under a secret derived from {@code idp.subject.pairwise-secret}:
 * a NIR or an IP address never reaches the table, and the table alone does not let anyone test guesses.
 */
@Component
public class RateLimiter {

    private final DatabaseClient db;
    private final Clock clock;
    private final byte[] secret;

    RateLimiter(DatabaseClient db, Clock clock, IdpProperties idp) {
        this.db = db;
        this.clock = clock;
        this.secret = fr.ameli.idp.platform.Secrets.sha256("rate-limit|" + idp.subject().pairwiseSecret());
    }

    /** Emits true when this request is within the limit of {@code bucket} for {@code subject}. */
    public Mono<Boolean> acquire(String bucket, String subject, FixedWindow window) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            // Past windows are deleted by the retention sweep, not here: a purge on every request cost each one.
            return db.sql("insert into rate_limit (key_hash, window_start, count, expires_at) values (:key, :start, 1, :end) "
                            + "on conflict (key_hash, window_start) do update set count = rate_limit.count + 1 returning count")
                    .bind("key", key(bucket, subject))
                    .bind("start", window.start(now))
                    .bind("end", window.end(now))
                    .map(row -> row.get("count", Integer.class))
                    .one()
                    .map(window::allows);
        });
    }

    /** How many requests of {@code bucket} for {@code subject} the current window has counted (nothing is counted here). */
    public Mono<Integer> counted(String bucket, String subject, FixedWindow window) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return db.sql("select count from rate_limit where key_hash = :key and window_start = :start")
                    .bind("key", key(bucket, subject))
                    .bind("start", window.start(now))
                    .map(row -> row.get("count", Integer.class))
                    .one()
                    .defaultIfEmpty(0);
        });
    }

    private byte[] key(String bucket, String subject) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal((bucket + "|" + subject).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
