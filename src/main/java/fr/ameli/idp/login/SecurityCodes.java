package fr.ameli.idp.login;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Security codes for logins on unknown browsers, and the browsers that passed one. The challenge handle lives in
 * an HttpOnly cookie (the code alone is useless on another browser); attempts are counted in the same atomic
 * UPDATE that reads the code, so parallel guesses cannot exceed the limit on any replica; a resend gives a new code,
 * never more attempts.
 *
 * <p>Whoever reaches this step knows the password, so the step is also limited per account across challenges
 * (README « Security »): wrong codes, and codes sent. A wrong-code slot is taken before the comparison and given
 * back when the code is right; the try that reaches the limit closes the code step of the account for
 * {@code lockout} and tells the holder by mail (once, whichever instance saw it: the lock says who closed it).
 */
@Component
class SecurityCodes {

    static final String CHALLENGE_COOKIE = "AMELI_CODE";
    static final String DEVICE_COOKIE = "AMELI_DEVICE";
    static final String SUBJECT = "Votre code de sécurité ameli";
    static final String FAILURES = "security-code-failures";
    static final String SENT = "security-code-sent";
    /** The lock that closes the code step of an account. */
    static final String CLOSED = "security-code";

    private static final Logger log = LoggerFactory.getLogger(SecurityCodes.class);

    /** How a code submission ended. BLOCKED: the code step of the account is closed (too many wrong codes). */
    enum Outcome { ACCEPTED, WRONG, EXHAUSTED, EXPIRED, BLOCKED }

    record Verification(Outcome outcome, @Nullable UUID accountId, @Nullable String pendingAuthorizationId, int attemptsLeft) {
    }

    /** Why no code was sent. */
    enum Refusal {
        /** The code step of the account is closed for a while (too many wrong codes). */
        BLOCKED,
        /** Too many codes sent to the account (or resends of this challenge). */
        TOO_MANY_CODES
    }

    /** A code was sent (the cookie refers to the challenge), or not, and why. */
    sealed interface Challenge {
        record Sent(ResponseCookie cookie) implements Challenge {
        }

        record Refused(Refusal why) implements Challenge {
        }
    }

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final MailTemplates templates;
    private final MailOutbox outbox;
    private final Clock clock;
    private final LoginProperties properties;
    private final IdpProperties idp;
    private final RateLimiter limiter;
    private final LimitProperties.SecurityCode limits;
    private final Accounts accounts;

    SecurityCodes(DatabaseClient db, TransactionalOperator tx, MailTemplates templates, MailOutbox outbox, Clock clock,
            LoginProperties properties, IdpProperties idp, RateLimiter limiter, LimitProperties limits, Accounts accounts) {
        this.db = db;
        this.tx = tx;
        this.templates = templates;
        this.outbox = outbox;
        this.clock = clock;
        this.properties = properties;
        this.idp = idp;
        this.limiter = limiter;
        this.limits = limits.securityCode();
        this.accounts = accounts;
    }

    /**
     * Whether the browser of a login has passed a code for the account: a column {@code known_device}, read with the
     * account in the login's first statement (it names the account's row {@code found}), and its parameters; a
     * constant when the answer needs no table.
     */
    record DeviceCheck(String column, Map<String, Object> parameters) {
        static DeviceCheck decided(boolean known) {
            return new DeviceCheck(known + " as known_device", Map.of());
        }
    }

    /**
     * The known-browser check of a login from {@code request} ({@link DeviceCheck}): every browser is known when the
     * code step is off, none without a device cookie; else the cookie's token must be the account's and live, and an
     * eidas2 request waiting asks for the code all the same (a second factor at every eidas2 login).
     */
    DeviceCheck deviceCheck(ServerRequest request, String pendingAuthorizationId) {
        if (!properties.securityCodeEnabled()) {
            return DeviceCheck.decided(true);
        }
        HttpCookie cookie = request.cookies().getFirst(DEVICE_COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return DeviceCheck.decided(false);
        }
        return new DeviceCheck("exists (select 1 from known_device where token_hash = :r_device "
                + "and account_id = found.id and expires_at > :r_now and not exists (select 1 from pending_authorization "
                + "where id = :r_pending and acr = 'eidas2')) as known_device",
                Map.of("r_device", Secrets.sha256(cookie.getValue()), "r_pending", pendingAuthorizationId,
                        "r_now", clock.instant()));
    }

    /**
     * Creates a challenge and sends its code (outbox, same transaction): emits the cookie that refers to it; or
     * nothing is sent, because the code step of the account is closed or too many codes were sent to it.
     */
    Mono<Challenge> challenge(Account account, @Nullable String pendingAuthorizationId) {
        return limiter.locked(CLOSED, account.id().toString()).flatMap(closed -> closed
                ? Mono.just(new Challenge.Refused(Refusal.BLOCKED))
                : limiter.acquire(SENT, account.id().toString(), limits.codesPerAccount()).flatMap(allowed -> allowed
                        ? issue(account, pendingAuthorizationId).<Challenge>map(Challenge.Sent::new)
                        : Mono.just(new Challenge.Refused(Refusal.TOO_MANY_CODES))));
    }

    private Mono<ResponseCookie> issue(Account account, @Nullable String pendingAuthorizationId) {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            String code = newCode();
            Instant now = clock.instant();
            DatabaseClient.GenericExecuteSpec insert = db.sql("insert into login_challenge (id_hash, account_id, code_hash, "
                            + "pending_authorization_id, created_at, expires_at) values (:id, :account, :code, :pending, :now, :expires)")
                    .bind("id", Secrets.sha256(handle))
                    .bind("account", account.id())
                    .bind("code", codeHash(handle, code))
                    .bind("now", now)
                    .bind("expires", now.plus(properties.securityCodeValidity()));
            insert = pendingAuthorizationId == null ? insert.bindNull("pending", String.class)
                    : insert.bind("pending", pendingAuthorizationId);
            return insert.then()
                    .then(Mono.defer(() -> send(account.email(), code)))
                    .as(tx::transactional)
                    .thenReturn(cookie(CHALLENGE_COOKIE, handle, properties.securityCodeValidity(), "/login"));
        });
    }

    /**
     * A new code for the same challenge, within the resend limit and the limit of codes per account: emits an
     * empty Optional when it is sent, or why it was not. The attempts already made on the challenge stay counted.
     */
    Mono<Optional<Refusal>> resend(ServerRequest request, Account account) {
        String handle = handle(request);
        if (handle == null) {
            return Mono.just(Optional.of(Refusal.TOO_MANY_CODES));
        }
        String subject = account.id().toString();
        return limiter.locked(CLOSED, subject).flatMap(closed -> closed ? Mono.just(Optional.of(Refusal.BLOCKED))
                : limiter.acquire(SENT, subject, limits.codesPerAccount()).flatMap(allowed -> !allowed
                        ? Mono.just(Optional.of(Refusal.TOO_MANY_CODES))
                        : Mono.defer(() -> {
                            String code = newCode();
                            Instant now = clock.instant();
                            return db.sql("update login_challenge set code_hash = :code, resends = resends + 1, "
                                            + "expires_at = :expires where id_hash = :id and account_id = :account "
                                            + "and consumed_at is null and resends < :max and expires_at > :now")
                                    .bind("code", codeHash(handle, code))
                                    .bind("expires", now.plus(properties.securityCodeValidity()))
                                    .bind("id", Secrets.sha256(handle))
                                    .bind("account", account.id())
                                    .bind("max", properties.securityCodeResends())
                                    .bind("now", now)
                                    .fetch().rowsUpdated()
                                    .flatMap(n -> n == 0 ? Mono.just(Optional.of(Refusal.TOO_MANY_CODES))
                                            : send(account.email(), code).thenReturn(Optional.<Refusal>empty()))
                                    .as(tx::transactional);
                        })));
    }

    /** The account behind this browser's live challenge, for the code page. */
    Mono<UUID> challengedAccount(ServerRequest request) {
        String handle = handle(request);
        if (handle == null) {
            return Mono.empty();
        }
        return db.sql("select account_id from login_challenge where id_hash = :id and consumed_at is null and expires_at > :now "
                        + "and attempts < :max")
                .bind("id", Secrets.sha256(handle))
                .bind("now", clock.instant())
                .bind("max", properties.securityCodeAttempts())
                .map(row -> row.get("account_id", UUID.class)).one();
    }

    Mono<Verification> verify(ServerRequest request, String code) {
        String handle = handle(request);
        if (handle == null) {
            return Mono.just(new Verification(Outcome.EXPIRED, null, null, 0));
        }
        byte[] id = Secrets.sha256(handle);
        Instant now = clock.instant();
        return db.sql("update login_challenge set attempts = attempts + 1 where id_hash = :id and consumed_at is null "
                        + "and expires_at > :now and attempts < :max returning code_hash, attempts, account_id, pending_authorization_id")
                .bind("id", id)
                .bind("now", now)
                .bind("max", properties.securityCodeAttempts())
                .map(row -> new Object[] {row.get("code_hash", byte[].class), row.get("attempts", Integer.class),
                        row.get("account_id", UUID.class), row.get("pending_authorization_id", String.class)})
                .one()
                .flatMap(row -> {
                    UUID account = (UUID) row[2];
                    return limiter.locked(CLOSED, account.toString()).flatMap(closed -> closed ? Mono.just(blocked())
                            : compare(handle, code, id, now, row, account));
                })
                .defaultIfEmpty(new Verification(Outcome.EXPIRED, null, null, 0));
    }

    /**
     * Compares the code within the account's limit of wrong codes: the slot is taken first and given back when the
     * code is right; the wrong code that uses the last slot closes the step (the holder is told, the page says so).
     */
    private Mono<Verification> compare(String handle, String code, byte[] id, Instant now, Object[] row, UUID account) {
        return limiter.take(new RateLimiter.Counter(FAILURES, account.toString(), limits.failuresPerAccount()))
                .flatMap(permit -> {
                    if (!permit.allowed()) {
                        return close(account).thenReturn(blocked());
                    }
                    int left = properties.securityCodeAttempts() - (Integer) row[1];
                    if (!MessageDigest.isEqual((byte[]) row[0], codeHash(handle, code.trim()))) {
                        return permit.of(FAILURES).reached() ? close(account).thenReturn(blocked())
                                : Mono.just(new Verification(left > 0 ? Outcome.WRONG : Outcome.EXHAUSTED, null, null, left));
                    }
                    return db.sql("update login_challenge set consumed_at = :now where id_hash = :id and consumed_at is null")
                            .bind("now", now).bind("id", id).fetch().rowsUpdated()
                            .flatMap(n -> n == 1 ? limiter.giveBack(permit)
                                    .thenReturn(new Verification(Outcome.ACCEPTED, account, (String) row[3], left))
                                    : Mono.just(new Verification(Outcome.EXPIRED, null, null, 0)));
                });
    }

    private static Verification blocked() {
        return new Verification(Outcome.BLOCKED, null, null, 0);
    }

    /**
     * Closes the code step of the account for {@code lockout}; the call that closed it queues the mail that tells
     * the holder, in the same transaction (no code, no link in it).
     */
    private Mono<Void> close(UUID account) {
        return limiter.lock(CLOSED, account.toString(), limits.lockout())
                .filter(Boolean::booleanValue)
                .doOnNext(closedNow -> log.warn("Security code step closed for an account: too many wrong codes"))
                .flatMap(closedNow -> accounts.findById(account))
                .filter(a -> a.email() != null)
                .flatMap(a -> outbox.enqueue(templates.render(MailTemplates.SECURITY_CODE_BLOCKED, a.email(),
                        Map.of("lockoutHours", limits.lockout().toHours()))))
                .as(tx::transactional);
    }

    /** Remembers this browser for the account; emits the long-lived device cookie. */
    Mono<ResponseCookie> rememberDevice(UUID accountId) {
        return Mono.defer(() -> {
            String token = Secrets.newHandle();
            Instant now = clock.instant();
            return db.sql("insert into known_device (token_hash, account_id, created_at, expires_at) values (:hash, :account, :now, :expires)")
                    .bind("hash", Secrets.sha256(token))
                    .bind("account", accountId)
                    .bind("now", now)
                    .bind("expires", now.plus(properties.deviceTtl()))
                    .then()
                    .thenReturn(cookie(DEVICE_COOKIE, token, properties.deviceTtl(), "/"));
        });
    }

    ResponseCookie clearChallenge() {
        return cookie(CHALLENGE_COOKIE, "", Duration.ZERO, "/login");
    }

    private Mono<Void> send(@Nullable String email, String code) {
        if (email == null) {
            return Mono.error(new IllegalStateException("account without email"));
        }
        return outbox.enqueue(templates.render("SECURITY_CODE", email, SUBJECT, Map.of("code", code,
                "validityMinutes", properties.securityCodeValidity().toMinutes())));
    }

    private static @Nullable String handle(ServerRequest request) {
        HttpCookie cookie = request.cookies().getFirst(CHALLENGE_COOKIE);
        return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
    }

    private static String newCode() {
        return Secrets.digits(6);
    }

    private static byte[] codeHash(String handle, String code) {
        return Secrets.sha256(handle + "|" + code);
    }

    private ResponseCookie cookie(String name, String value, Duration maxAge, String path) {
        return ResponseCookie.from(name, value).httpOnly(true).secure(idp.secure()).sameSite("Lax").path(path)
                .maxAge(maxAge).build();
    }
}
