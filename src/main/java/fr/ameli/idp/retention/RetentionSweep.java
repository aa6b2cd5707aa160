package fr.ameli.idp.retention;

import static fr.ameli.idp.retention.RetentionRule.expired;

import fr.ameli.idp.platform.BackgroundJob;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.provisional.ProvisionalCodeProperties;
import fr.ameli.idp.session.SessionEnd;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deletes what has expired (issue 10 #12: nothing expired was ever deleted; a pending authorization is stored for
 * every anonymous {@code GET /authorize}). Every instance runs it; one at a time deletes.
 *
 * <p><b>Bounded batches.</b> One statement deletes at most {@code batch-size} rows, picked by {@code ctid} with
 * {@code FOR UPDATE SKIP LOCKED} (a row a request is updating is left for the next sweep rather than waited for),
 * in a short transaction of its own; a table is swept until a batch comes back short, or {@code max-batches}.
 *
 * <p><b>One instance at a time.</b> Each batch's transaction first takes the transaction-scoped advisory lock
 * {@link #LOCK} with {@code pg_try_advisory_xact_lock}: when another instance holds it, this instance gives up
 * the sweep until its next turn. Transaction-scoped because PgBouncer in transaction mode gives a session to
 * nobody (README, « PgBouncer and prepared statements »), and a dead instance never leaves it held.
 *
 * <p><b>The rules</b> ({@link #rules}) say for each table when a row is dead and how long it is kept after; a
 * table with an expiry gets one line there. Registry and accounts are not swept.
 */
@Component
class RetentionSweep implements BackgroundJob {

    /** The bytes of "idpsweep"; {@code SigningKeyRepository.LOCK} is "idpkeys". */
    static final long LOCK = 0x69_64_70_73_77_65_65_70L;

    private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

    private final DatabaseClient db;
    private final long lock;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final RetentionProperties properties;
    private final List<RetentionRule> rules;
    private final Map<String, Counter> deleted = new LinkedHashMap<>();
    private final Counter skipped;

    /** What one sweep did: rows deleted per table; {@code skipped} when another instance held the lock. */
    record Report(Map<String, Long> deleted, boolean skipped) {

        long total() {
            return deleted.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Autowired
    RetentionSweep(DatabaseClient db, TransactionalOperator tx, Clock clock, RetentionProperties properties,
            IdpProperties idp, ProvisionalCodeProperties provisional, MeterRegistry meters) {
        this(db, tx, clock, properties, rules(properties, idp, provisional), LOCK, meters);
    }

    /** Tests give their own rules and lock, so that the application's sweeps do not get in their way. */
    RetentionSweep(DatabaseClient db, TransactionalOperator tx, Clock clock, RetentionProperties properties,
            List<RetentionRule> rules, long lock, MeterRegistry meters) {
        this.db = db;
        this.lock = lock;
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
        this.rules = List.copyOf(rules);
        for (RetentionRule rule : this.rules) {
            deleted.computeIfAbsent(rule.table(), table -> Counter.builder("idp.retention.deleted")
                    .description("Expired rows deleted by the retention sweep").tag("table", table).register(meters));
        }
        this.skipped = Counter.builder("idp.retention.skipped")
                .description("Sweeps given up because another instance was sweeping").register(meters);
    }

    /**
     * Every table with an end, and how long a row is kept after it. Adding a table is adding a line (and the index
     * its condition needs, in a migration).
     */
    static List<RetentionRule> rules(RetentionProperties retention, IdpProperties idp,
            ProvisionalCodeProperties provisional) {
        return List.of(
                // One per GET /authorize, answered or not; dead at its end (read only while expires_at > now).
                expired("pending_authorization"),
                // Holds the provider's ID token of a federated login. An expired session's relying parties get their
                // back-channel logout tokens, queued by the statement that deletes it.
                expired("login_session").within(SessionEnd::statement),
                // Codes of the previous format (V26): none are written any more.
                expired("authorization_code", idp.oidc().accessTokenTtl()),
                // An access token's row is what makes its code single-use (the code's key, unique): kept until that
                // code has expired too, at the latest a code's lifetime after the token was issued.
                expired("access_token", idp.oidc().authorizationCodeTtl()),
                // RFC 9126 request_uri: 60 s, single use.
                expired("pushed_authorization"),
                // RFC 9449 jti seen: kept until the proof's iat is out of the window.
                expired("dpop_proof"),
                // private_key_jwt jti seen: an assertion is refused 30 s after its exp, well within the grace.
                expired("client_assertion"),
                expired("login_challenge"),
                expired("known_device"),
                expired("enrollment"),
                // The newest activation link decides when a pending account's address is forgotten (forget_at):
                // kept until after both, then idp.retention.email-confirmation for the « link expired » page.
                new RetentionRule("email_confirmation", "greatest(expires_at, forget_at) < :cutoff",
                        retention.emailConfirmation()),
                expired("activation_recovery"),
                expired("federation_request"),
                expired("federation_link"),
                // Dead once expired, replaced or used; a used code's row lets its browser choose a new personal code
                // for reset-ttl.
                new RetentionRule("provisional_code", "least(expires_at, superseded_at, consumed_at) < :cutoff",
                        provisional.resetTtl()),
                expired("captcha_challenge"),
                // Counters are read for the current window only.
                expired("rate_limit"),
                new RetentionRule("mail_outbox", "sent_at < :cutoff", retention.sentMail()),
                new RetentionRule("mail_outbox", "sent_at is null and created_at < :cutoff", retention.unsentMail()));
    }

    @Override
    public String name() {
        return "retention-sweep";
    }

    @Override
    public Duration interval() {
        return properties.interval();
    }

    @Override
    public @Nullable String disabledReason() {
        return properties.enabled() ? null : "idp.retention.enabled=false (another instance sweeps)";
    }

    @Override
    public Mono<Void> run() {
        return sweep().then();
    }

    /** One sweep of every rule, in order; stops at the first batch another instance's lock refuses. */
    Mono<Report> sweep() {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            AtomicBoolean refused = new AtomicBoolean();
            Map<String, Long> counts = new LinkedHashMap<>();
            // No take/takeUntil here: cancelling a transactional publisher would roll it back (STYLE 6).
            return Flux.fromIterable(rules)
                    .concatMap(rule -> refused.get() ? Mono.<Long>empty()
                            : table(rule, now.minus(rule.keep()).minus(properties.grace()), refused)
                                    .doOnNext(n -> counts.merge(rule.table(), n, Long::sum)))
                    .then(Mono.fromSupplier(() -> report(counts, refused.get())));
        });
    }

    /** Batches until one comes back short, {@code max-batches}, or the lock is refused. */
    private Mono<Long> table(RetentionRule rule, Instant cutoff, AtomicBoolean refused) {
        String delete = "delete from " + rule.table() + " where ctid = any(array(select ctid from " + rule.table()
                + " where " + rule.deadBefore() + " limit :n for update skip locked))";
        UnaryOperator<String> within = rule.statement();
        Supplier<Mono<Long>> run = within == null
                ? () -> db.sql(delete).bind("cutoff", cutoff).bind("n", properties.batchSize()).fetch().rowsUpdated()
                : () -> db.sql(within.apply(delete)).bind("cutoff", cutoff).bind("n", properties.batchSize())
                        .bind("now", clock.instant()).map(row -> row.get(0, Long.class)).one();
        return batches(run, 1, 0, refused);
    }

    private Mono<Long> batches(Supplier<Mono<Long>> sql, int batch, long sofar, AtomicBoolean refused) {
        return batch(sql).flatMap(n -> {
            if (n < 0) {
                refused.set(true);
                return Mono.just(sofar);
            }
            long total = sofar + n;
            return n < properties.batchSize() || batch >= properties.maxBatches() ? Mono.just(total)
                    : batches(sql, batch + 1, total, refused);
        });
    }

    /** Rows deleted by one batch, or -1 when another instance holds the lock. Emits after the commit. */
    private Mono<Long> batch(Supplier<Mono<Long>> sql) {
        AtomicLong result = new AtomicLong(-1);
        Mono<Void> work = db.sql("select pg_try_advisory_xact_lock(:lock) as locked")
                .bind("lock", lock)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> !locked ? Mono.<Void>empty()
                        : Mono.defer(sql).doOnNext(result::set).then());
        return work.as(tx::transactional).then(Mono.fromSupplier(result::get));
    }

    private Report report(Map<String, Long> counts, boolean refused) {
        counts.forEach((table, n) -> deleted.get(table).increment(n));
        Report report = new Report(Map.copyOf(counts), refused);
        if (refused) {
            skipped.increment();
            log.debug("Retention sweep left to another instance (lock held)");
        }
        if (report.total() > 0) {
            log.info("Retention sweep deleted {}", counts.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
        }
        return report;
    }
}
