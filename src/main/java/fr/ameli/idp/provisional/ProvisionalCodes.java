package fr.ameli.idp.provisional;

import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.Nir;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Provisional codes in PostgreSQL. A code is stored only as its Argon2id hash (hashed off the event loop); only
 * the newest code of a person works; each wrong entry is counted in the same atomic UPDATE that reads the code,
 * so parallel guesses on any number of instances cannot exceed {@code maxAttempts}; a right one is used once.
 * Wrong entries are also counted per NIR across codes ({@link ProvisionalCodeLockout}): the entry that reaches that
 * limit closes the path of the NIR for a while, and the holder is told.
 *
 * <p>What a right code leads to is the caller's business (login): for a person without an account, the
 * provisional-code enrollment; for an account holder, the forced choice of a new personal code, for which this
 * class keeps a short-lived handle bound to the browser ({@link #startReset}).
 */
@Component
public class ProvisionalCodes {

    private static final Pattern CODE = Pattern.compile("[0-9]{4}|[0-9]{8}");

    public enum Origin { COUNTER, FORGOTTEN }

    /** A code just drawn and its hash, before it is stored. {@code toString} shows neither. */
    public record NewCode(String code, String hash) {
        @Override
        public String toString() {
            return "NewCode[***]";
        }
    }

    /** How an entry compares with the person's live code. */
    public enum Outcome {
        /** Right: {@link Verification#codeId()} may now be consumed. */
        MATCHED,
        /** Wrong (counted). */
        WRONG,
        /** The person has no live code (none, expired, used, or too many wrong entries). */
        NONE,
        /** The path is closed for this NIR (too many wrong entries across codes): nothing was compared. */
        CLOSED
    }

    public record Verification(Outcome outcome, @Nullable UUID codeId, @Nullable Origin origin) {
    }

    /** A browser that logged in with a code and must now choose a new personal code. */
    public record Reset(UUID codeId, Nir nir, Origin origin, @Nullable String pendingAuthorizationId) {
        @Override
        public String toString() {
            return "Reset[" + origin + "]";
        }
    }

    private final DatabaseClient db;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final ProvisionalCodeProperties properties;
    private final ProvisionalCodeLockout lockout;

    ProvisionalCodes(DatabaseClient db, PasswordHasher hasher, Clock clock, ProvisionalCodeProperties properties,
            ProvisionalCodeLockout lockout) {
        this.db = db;
        this.hasher = hasher;
        this.clock = clock;
        this.properties = properties;
        this.lockout = lockout;
    }

    /** Whether what was typed in the password field has the shape of a provisional code (4 or 8 digits). */
    public static boolean looksLikeCode(String typed) {
        return CODE.matcher(typed.strip()).matches();
    }

    /** Draws a code of {@code length} digits and hashes it (Argon2id, on the hashing scheduler). */
    public Mono<NewCode> draw(int length) {
        return Mono.defer(() -> {
            String code = Secrets.digits(length);
            return hasher.hash(code).map(hash -> new NewCode(code, hash));
        });
    }

    /** Stores a drawn code for a person; earlier live codes stop working. Joins the caller's transaction. */
    public Mono<Void> store(Nir nir, Origin origin, NewCode code, Duration validity) {
        return store(nir, origin, code.hash(), clock.instant().plus(validity));
    }

    /** Stores a code hashed elsewhere (demo data), valid until {@code expiresAt}. */
    public Mono<Void> store(Nir nir, Origin origin, String codeHash, Instant expiresAt) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return db.sql("with superseded as (update provisional_code set superseded_at = :now where nir = :nir "
                            + "and consumed_at is null and superseded_at is null) insert into provisional_code (id, nir, origin, "
                            + "code_hash, created_at, expires_at) values (:id, :nir, :origin, :hash, :now, :expires)")
                    .bind("now", now)
                    .bind("nir", nir.value())
                    .bind("id", Secrets.newUuid())
                    .bind("origin", origin.name())
                    .bind("hash", codeHash)
                    .bind("expires", expiresAt)
                    .then();
        });
    }

    /** Whether the person ever had a code (demo data provisioning is done once). */
    public Mono<Boolean> any(Nir nir) {
        return db.sql("select 1 from provisional_code where nir = :nir limit 1").bind("nir", nir.value())
                .map(row -> 1).first().hasElement();
    }

    /**
     * Compares an entry with the person's live code, counting the attempt first (atomically, on the code and per
     * NIR across codes). Nothing is consumed: the caller does it with {@link #consume} or {@link #startReset}, once.
     */
    public Mono<Verification> verify(Nir nir, String typed) {
        return lockout.closed(nir).flatMap(closed -> closed ? Mono.just(closed())
                : db.sql("update provisional_code set attempts = attempts + 1 where nir = :nir and consumed_at is null "
                                + "and superseded_at is null and expires_at > :now and attempts < :max "
                                + "returning id, code_hash, origin")
                        .bind("nir", nir.value())
                        .bind("now", clock.instant())
                        .bind("max", properties.maxAttempts())
                        .map(row -> new LiveCode(row.get("id", UUID.class), row.get("code_hash", String.class),
                                Origin.valueOf(row.get("origin", String.class))))
                        .one()
                        .flatMap(code -> compare(nir, typed, code))
                        .defaultIfEmpty(new Verification(Outcome.NONE, null, null)));
    }

    private record LiveCode(UUID id, String hash, Origin origin) {
    }

    /**
     * Compares an entry with the live code within the limit per NIR: the slot is taken before the hash and given
     * back when the code is right; the wrong entry that uses the last slot closes the path.
     */
    private Mono<Verification> compare(Nir nir, String typed, LiveCode code) {
        return lockout.take(nir).flatMap(permit -> {
            if (!permit.allowed()) {
                return lockout.close(nir).thenReturn(closed());
            }
            return hasher.matches(typed.strip(), code.hash()).flatMap(ok -> {
                if (ok) {
                    return lockout.giveBack(permit).thenReturn(new Verification(Outcome.MATCHED, code.id(), code.origin()));
                }
                Mono<Void> closing = permit.of(ProvisionalCodeLockout.FAILURES).reached() ? lockout.close(nir) : Mono.empty();
                return closing.thenReturn(new Verification(Outcome.WRONG, null, null));
            });
        });
    }

    private static Verification closed() {
        return new Verification(Outcome.CLOSED, null, null);
    }

    /** Uses a matched code up (provisional-code enrollment). Emits false when another request used it first. */
    public Mono<Boolean> consume(UUID codeId) {
        return db.sql("update provisional_code set consumed_at = :now where id = :id and consumed_at is null "
                        + "and superseded_at is null")
                .bind("now", clock.instant())
                .bind("id", codeId)
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /**
     * Uses a matched code up for an account holder, who must now choose a new personal code on this browser:
     * emits the handle for the browser's cookie, or empty when another request used the code first.
     */
    public Mono<String> startReset(UUID codeId, @Nullable String pendingAuthorizationId) {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            DatabaseClient.GenericExecuteSpec update = db.sql("update provisional_code set consumed_at = :now, "
                            + "reset_handle_hash = :handle, pending_authorization_id = :pending where id = :id "
                            + "and consumed_at is null and superseded_at is null")
                    .bind("now", clock.instant())
                    .bind("handle", Secrets.sha256(handle))
                    .bind("id", codeId);
            update = pendingAuthorizationId == null ? update.bindNull("pending", String.class)
                    : update.bind("pending", pendingAuthorizationId);
            return update.fetch().rowsUpdated().filter(n -> n == 1).map(n -> handle);
        });
    }

    /** The reset this browser must finish, while it lasts ({@code resetTtl} from the login). */
    public Mono<Reset> reset(@Nullable String handle) {
        if (handle == null || handle.isBlank()) {
            return Mono.empty();
        }
        return db.sql("select id, nir, origin, pending_authorization_id from provisional_code where reset_handle_hash = :handle "
                        + "and reset_done_at is null and consumed_at > :since")
                .bind("handle", Secrets.sha256(handle))
                .bind("since", clock.instant().minus(properties.resetTtl()))
                .map(row -> new Reset(row.get("id", UUID.class), Nir.parse(row.get("nir", String.class)),
                        Origin.valueOf(row.get("origin", String.class)), row.get("pending_authorization_id", String.class)))
                .one();
    }

    /** Marks the reset done (in the transaction that sets the new password); false when it was done already. */
    public Mono<Boolean> finishReset(UUID codeId) {
        return db.sql("update provisional_code set reset_done_at = :now where id = :id and reset_done_at is null")
                .bind("now", clock.instant())
                .bind("id", codeId)
                .fetch().rowsUpdated().map(n -> n == 1);
    }
}
