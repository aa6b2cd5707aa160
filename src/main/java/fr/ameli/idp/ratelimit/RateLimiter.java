package fr.ameli.idp.ratelimit;

import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.platform.Sql;
import io.r2dbc.spi.Readable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Counts requests against limits and says whether they are allowed; closes a subject for a while (a lock).
 *
 * <p><b>Counters.</b> One row per key and window, incremented by {@code INSERT … ON CONFLICT … DO UPDATE …
 * RETURNING count}: atomic, so concurrent requests on any number of instances are counted exactly. A slot is
 * <em>taken before</em> the work it guards (a password hash, a code comparison), so a burst of parallel requests
 * cannot all pass a check made before any of them was counted; a request whose outcome must not count (a right
 * password) {@linkplain #giveBack gives its slot back}. A refused request counts against the limits that refused
 * it (it keeps trying), and only those: it was not checked, so it uses up no other limit (an address refused for
 * spraying does not use up the budget of the NIRs it names).
 *
 * <p><b>Locks.</b> A lock is a row of the same table under its own key, at a fixed window start, that lives until
 * it expires; {@link #lock} tells the one caller that closed it, so that exactly one notification goes out
 * whichever instance saw the threshold crossed.
 *
 * <p>Keys are HMAC-SHA-256(bucket | subject) under a secret derived from {@code idp.subject.pairwise-secret}:
 * a NIR or an IP address never reaches the table, and the table alone does not let anyone test guesses.
 */
@Component
public class RateLimiter {

    /** The window start of every lock row: a lock is not counted per window, it simply lasts until it expires. */
    private static final Instant LOCK_ROW = Instant.EPOCH;

    /** One limit to count a request against: {@code bucket} names the limit, {@code subject} whom it counts. */
    public record Counter(String bucket, String subject, FixedWindow window) {
        @Override
        public String toString() {
            return "Counter[" + bucket + "]";
        }
    }

    /** What one counter said: the count of this request in its window (1 for the first). */
    public record Taken(Counter counter, Instant windowStart, int count) {
        public boolean allowed() {
            return counter.window().allows(count);
        }

        /** Whether this request used the last slot or went beyond it: the limit is now reached. */
        public boolean reached() {
            return count >= counter.window().limit();
        }

        public Instant windowEnd() {
            return windowStart.plus(counter.window().length());
        }
    }

    /** The outcome of {@link #take}: allowed only when every counter allowed it. */
    public record Permit(List<Taken> taken) {
        public boolean allowed() {
            return taken.stream().allMatch(Taken::allowed);
        }

        /** The first counter that refused, or null when the request is allowed. */
        public @Nullable Taken refusal() {
            return taken.stream().filter(t -> !t.allowed()).findFirst().orElse(null);
        }

        /** What the counter of {@code bucket} said. */
        public Taken of(String bucket) {
            return taken.stream().filter(t -> t.counter().bucket().equals(bucket)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no counter " + bucket));
        }

        /** When the request may be tried again: the end of the latest refusing window (now when allowed). */
        public Duration retryAfter(Instant now) {
            return taken.stream().filter(t -> !t.allowed()).map(Taken::windowEnd).max(Comparator.naturalOrder())
                    .map(end -> Duration.between(now, end)).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        }
    }

    /**
     * A read that rides in the statement that takes the slots, for the work they guard (the account a login checks
     * a password against): one round trip instead of two. {@code select} returns at most one row, and no column
     * named {@code key_hash} or {@code count}; its parameters are named {@code r_…} so that they never meet the
     * counters'; {@code map} gets its row, or a row of nulls when it found none (then it returns null).
     */
    public record Read<T>(String select, Map<String, Object> parameters, Function<Readable, @Nullable T> map) {

        /**
         * This read with more columns computed from its row, which they name {@code found} (e.g. {@code exists
         * (select 1 from … where account_id = found.id) as known}), and their parameters ({@code r_…}): {@code map}
         * gets what this read found (null: nothing) and the row.
         */
        public <U> Read<U> with(String columns, Map<String, Object> more, BiFunction<@Nullable T, Readable, @Nullable U> map) {
            Map<String, Object> all = new HashMap<>(parameters);
            all.putAll(more);
            Function<Readable, @Nullable T> first = this.map;
            return new Read<>("select found.*, " + columns + " from (" + select + ") found", Map.copyOf(all),
                    row -> map.apply(first.apply(row), row));
        }
    }

    /** What {@link #take(Read, Counter...)} said: the permit, and what the read found (null: nothing or no read). */
    public record PermitAndRead<T>(Permit permit, @Nullable T read) {
    }

    private final DatabaseClient db;
    private final Clock clock;
    private final byte[] secret;

    RateLimiter(DatabaseClient db, Clock clock, IdpProperties idp) {
        this.db = db;
        this.clock = clock;
        this.secret = Secrets.sha256("rate-limit|" + idp.subject().requiredPairwiseSecret());
    }

    /** Emits true when this request is within the limit of {@code bucket} for {@code subject}. */
    public Mono<Boolean> acquire(String bucket, String subject, FixedWindow window) {
        return take(new Counter(bucket, subject, window)).map(Permit::allowed);
    }

    /**
     * Counts this request against every counter at once (one statement, one round trip) and emits what each
     * said. When one refuses, the slots the others gave are handed back (a second statement, on that path only).
     */
    public Mono<Permit> take(Counter... counters) {
        return take(null, counters).map(PermitAndRead::permit);
    }

    /**
     * Counts this request against every counter, as {@link #take(Counter...)}, and reads what the guarded work needs
     * in the same statement (none when {@code read} is null): emits both. The read is made whether the request is
     * allowed or not (its result is then the caller's to ignore).
     */
    public <T> Mono<PermitAndRead<T>> take(@Nullable Read<T> read, Counter... counters) {
        if (counters.length == 0) {
            throw new IllegalArgumentException("nothing to count");
        }
        return Mono.defer(() -> {
            Instant now = clock.instant();
            List<Row> rows = new ArrayList<>();
            Set<String> buckets = new HashSet<>();
            for (Counter c : counters) {
                if (!buckets.add(c.bucket())) {
                    throw new IllegalArgumentException("one counter per bucket in a take");
                }
                rows.add(new Row(c, key(c.bucket(), c.subject()), c.window().start(now)));
            }
            // The same lock order on every instance (by key): two requests counting the same keys never deadlock.
            List<Row> ordered = rows.stream().sorted(Comparator.comparing(Row::key, Arrays::compareUnsigned)).toList();
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < ordered.size(); i++) {
                values.append(i == 0 ? "" : ", ").append("(:k").append(i).append(", :s").append(i).append(", 1, :e")
                        .append(i).append(')');
            }
            // Past windows are deleted by the retention sweep, not here: a purge on every request cost each one.
            String counting = "insert into rate_limit (key_hash, window_start, count, expires_at) "
                    + "values " + values + " on conflict (key_hash, window_start) do update set count = rate_limit.count + 1 "
                    + "returning key_hash, count";
            DatabaseClient.GenericExecuteSpec spec = db.sql(read == null ? counting : "with taken as (" + counting + ") "
                    + "select taken.key_hash, taken.count, r.* from taken left join (" + read.select() + ") r on true");
            if (read != null) {
                for (Map.Entry<String, Object> p : read.parameters().entrySet()) {
                    if (!p.getKey().startsWith("r_")) {
                        throw new IllegalArgumentException("a read's parameters are named r_…: " + p.getKey());
                    }
                    spec = spec.bind(p.getKey(), p.getValue());
                }
            }
            for (int i = 0; i < ordered.size(); i++) {
                Row r = ordered.get(i);
                spec = spec.bind("k" + i, r.key()).bind("s" + i, r.start())
                        .bind("e" + i, r.start().plus(r.counter().window().length()));
            }
            // Every row carries the read's columns (the same row joined to each counter): only the first is mapped.
            AtomicBoolean mapped = new AtomicBoolean(read == null);
            return spec.map(row -> new Counted<>(row.get("key_hash", byte[].class), row.get("count", Integer.class),
                            mapped.compareAndSet(false, true) ? read.map().apply(row) : null))
                    .all().collectList()
                    .map(counted -> new PermitAndRead<>(new Permit(rows.stream().map(r -> new Taken(r.counter(), r.start(),
                            counted.stream().filter(c -> Arrays.equals(c.key(), r.key())).findFirst()
                                    .orElseThrow(() -> new IllegalStateException("counter not returned")).count())).toList()),
                            counted.isEmpty() ? null : counted.getFirst().read()))
                    .flatMap(taken -> {
                        Permit permit = taken.permit();
                        List<Taken> unused = permit.taken().stream().filter(Taken::allowed).toList();
                        return permit.allowed() || unused.isEmpty() ? Mono.just(taken)
                                : giveBack(new Permit(unused)).thenReturn(taken);
                    });
        });
    }

    /**
     * Gives back the slots of a request whose outcome must not count against the limits (a right password, a
     * right code). Only the window the slot was taken in is touched; a count never goes below zero.
     */
    public Mono<Void> giveBack(Permit permit) {
        return Mono.defer(() -> givingBack(permit).runAlone(db));
    }

    /**
     * {@link #giveBack} as clauses for the caller's next statement ({@link Sql.Rider}: clauses {@code gb_…},
     * parameters {@code :gb_…}): where a right password is followed by a write anyway (the login's session), the
     * slots go back in that statement instead of a round trip of their own. Should that statement fail, its caller
     * runs the clauses alone ({@code LoginSessions.storing}).
     */
    public Sql.Rider givingBack(Permit permit) {
        StringBuilder where = new StringBuilder();
        Map<String, Object> parameters = new HashMap<>();
        List<Taken> taken = permit.taken();
        for (int i = 0; i < taken.size(); i++) {
            where.append(i == 0 ? "" : " or ").append("(key_hash = :gb_k").append(i).append(" and window_start = :gb_s")
                    .append(i).append(')');
            Counter c = taken.get(i).counter();
            parameters.put("gb_k" + i, key(c.bucket(), c.subject()));
            parameters.put("gb_s" + i, taken.get(i).windowStart());
        }
        // Rows locked in key order, as take's insert locks them: an update alone locks them in the order it reads
        // them (the table's), and a take and a give-back of the same two rows could then deadlock (seen under the
        // benchmark's concurrent logins: 40P01).
        return new Sql.Rider("gb_locked as (select key_hash, window_start from rate_limit where count > 0 and ("
                + where + ") order by key_hash, window_start for update), "
                + "gb_given as (update rate_limit r set count = r.count - 1 from gb_locked l "
                + "where r.key_hash = l.key_hash and r.window_start = l.window_start and r.count > 0)", parameters);
    }

    /**
     * Closes {@code subject} for {@code duration} under {@code bucket}. Emits true for the one call that closed it
     * (it was open), false when it was already closed (its end is then left as it was): the caller that gets true
     * tells the person, once. Joins the caller's transaction, so that the lock and its notification commit together.
     */
    public Mono<Boolean> lock(String bucket, String subject, Duration duration) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return db.sql("insert into rate_limit (key_hash, window_start, count, expires_at) values (:key, :row, 1, :until) "
                            + "on conflict (key_hash, window_start) do update set count = rate_limit.count + 1, "
                            + "expires_at = excluded.expires_at where rate_limit.expires_at <= :now returning count")
                    .bind("key", lockKey(bucket, subject))
                    .bind("row", LOCK_ROW)
                    .bind("until", now.plus(duration))
                    .bind("now", now)
                    .map(row -> row.get("count", Integer.class))
                    .one()
                    .hasElement();
        });
    }

    /** Whether {@code subject} is closed under {@code bucket} now. */
    public Mono<Boolean> locked(String bucket, String subject) {
        return lockedUntil(bucket, subject).hasElement();
    }

    /** When the lock of {@code subject} under {@code bucket} ends; empty when it is open now. */
    public Mono<Instant> lockedUntil(String bucket, String subject) {
        return Mono.defer(() -> db.sql("select expires_at from rate_limit where key_hash = :key and window_start = :row "
                        + "and expires_at > :now")
                .bind("key", lockKey(bucket, subject))
                .bind("row", LOCK_ROW)
                .bind("now", clock.instant())
                .map(row -> row.get("expires_at", Instant.class)).first());
    }

    private byte[] lockKey(String bucket, String subject) {
        return key("lock:" + bucket, subject);
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

    private record Row(Counter counter, byte[] key, Instant start) {
    }

    private record Counted<T>(byte[] key, int count, @Nullable T read) {
    }
}
