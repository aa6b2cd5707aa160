package fr.ameli.idp.login;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
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
 * UPDATE that reads the code, so parallel guesses cannot exceed the limit on any replica.
 */
@Component
class SecurityCodes {

    static final String CHALLENGE_COOKIE = "AMELI_CODE";
    static final String DEVICE_COOKIE = "AMELI_DEVICE";
    static final String SUBJECT = "Votre code de sécurité ameli";

    /** How a code submission ended. */
    enum Outcome { ACCEPTED, WRONG, EXHAUSTED, EXPIRED }

    record Verification(Outcome outcome, @Nullable UUID accountId, @Nullable String pendingAuthorizationId, int attemptsLeft) {
    }

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final MailTemplates templates;
    private final MailOutbox outbox;
    private final Clock clock;
    private final LoginProperties properties;
    private final IdpProperties idp;

    SecurityCodes(DatabaseClient db, TransactionalOperator tx, MailTemplates templates, MailOutbox outbox, Clock clock,
            LoginProperties properties, IdpProperties idp) {
        this.db = db;
        this.tx = tx;
        this.templates = templates;
        this.outbox = outbox;
        this.clock = clock;
        this.properties = properties;
        this.idp = idp;
    }

    /** True when this browser completed a code for the account and is still remembered. */
    Mono<Boolean> knownDevice(ServerRequest request, UUID accountId) {
        if (!properties.securityCodeEnabled()) {
            return Mono.just(true);
        }
        HttpCookie cookie = request.cookies().getFirst(DEVICE_COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return Mono.just(false);
        }
        return db.sql("select 1 from known_device where token_hash = :hash and account_id = :account and expires_at > :now")
                .bind("hash", Secrets.sha256(cookie.getValue()))
                .bind("account", accountId)
                .bind("now", clock.instant())
                .map(row -> 1).first().hasElement();
    }

    /** Creates a challenge, sends its code (outbox, same transaction); emits the cookie that refers to it. */
    Mono<ResponseCookie> challenge(Account account, @Nullable String pendingAuthorizationId) {
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

    /** A new code for the same challenge, within the resend limit; emits false when the limit is reached. */
    Mono<Boolean> resend(ServerRequest request, String email) {
        String handle = handle(request);
        if (handle == null) {
            return Mono.just(false);
        }
        String code = newCode();
        Instant now = clock.instant();
        return db.sql("update login_challenge set code_hash = :code, attempts = 0, resends = resends + 1, expires_at = :expires "
                        + "where id_hash = :id and consumed_at is null and resends < :max and expires_at > :now")
                .bind("code", codeHash(handle, code))
                .bind("expires", now.plus(properties.securityCodeValidity()))
                .bind("id", Secrets.sha256(handle))
                .bind("max", properties.securityCodeResends())
                .bind("now", now)
                .fetch().rowsUpdated()
                .flatMap(n -> n == 0 ? Mono.just(false) : send(email, code).thenReturn(true))
                .as(tx::transactional);
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
                    int left = properties.securityCodeAttempts() - (Integer) row[1];
                    if (!MessageDigest.isEqual((byte[]) row[0], codeHash(handle, code.trim()))) {
                        return Mono.just(new Verification(left > 0 ? Outcome.WRONG : Outcome.EXHAUSTED, null, null, left));
                    }
                    return db.sql("update login_challenge set consumed_at = :now where id_hash = :id and consumed_at is null")
                            .bind("now", now).bind("id", id).fetch().rowsUpdated()
                            .map(n -> n == 1 ? new Verification(Outcome.ACCEPTED, (UUID) row[2], (String) row[3], left)
                                    : new Verification(Outcome.EXPIRED, null, null, 0));
                })
                .defaultIfEmpty(new Verification(Outcome.EXPIRED, null, null, 0));
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
