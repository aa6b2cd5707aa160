package fr.ameli.idp.token;

import com.nimbusds.jose.JWSAlgorithm;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code signing_key} table (V4). Times are bound from the application's {@code Clock}, never {@code now()}. */
final class SigningKeyRepository {

    /**
     * The advisory lock every instance takes, inside the transaction, before it creates, retires or deletes
     * keys: the bytes of "idpkeys". Transaction-scoped, so a crashed instance never leaves it held.
     */
    static final long LOCK = 0x69_64_70_6B_65_79_73L;

    private static final String COLUMNS = "kid, alg, public_jwk, private_jwk_encrypted, publish_at, activate_at, "
            + "retire_at, expire_at";

    /** A row as stored: the schedule, the public JWK (JSON) and the encrypted private JWK. */
    record KeyRow(KeySchedule schedule, String publicJwk, byte[] privateJwkEncrypted) {
    }

    private final DatabaseClient db;

    SigningKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    Flux<KeyRow> findAll() {
        return db.sql("select " + COLUMNS + " from signing_key order by alg, activate_at, kid")
                .map(SigningKeyRepository::row)
                .all();
    }

    /** Waits for the other instances' maintenance to commit; released when this transaction ends. */
    Mono<Void> lock() {
        return db.sql("select pg_advisory_xact_lock(:lock)")
                .bind("lock", LOCK)
                .then();
    }

    Mono<Void> insert(KeyRow row, Instant createdAt) {
        KeySchedule s = row.schedule();
        return db.sql("insert into signing_key (kid, alg, public_jwk, private_jwk_encrypted, created_at, publish_at, "
                        + "activate_at) values (:kid, :alg, :public_jwk, :private_jwk, :created_at, :publish_at, "
                        + ":activate_at)")
                .bind("kid", s.kid())
                .bind("alg", s.alg().getName())
                .bind("public_jwk", row.publicJwk())
                .bind("private_jwk", row.privateJwkEncrypted())
                .bind("created_at", utc(createdAt))
                .bind("publish_at", utc(s.publishAt()))
                .bind("activate_at", utc(s.activateAt()))
                .then();
    }

    Mono<Void> retire(String kid, Instant retireAt, Instant expireAt) {
        return db.sql("update signing_key set retire_at = :retire_at, expire_at = :expire_at "
                        + "where kid = :kid and retire_at is null")
                .bind("kid", kid)
                .bind("retire_at", utc(retireAt))
                .bind("expire_at", utc(expireAt))
                .then();
    }

    Mono<Void> delete(String kid) {
        return db.sql("delete from signing_key where kid = :kid")
                .bind("kid", kid)
                .then();
    }

    private static KeyRow row(Readable row) {
        KeySchedule schedule = new KeySchedule(
                row.get("kid", String.class),
                JWSAlgorithm.parse(row.get("alg", String.class)),
                instant(row.get("publish_at", OffsetDateTime.class)),
                instant(row.get("activate_at", OffsetDateTime.class)),
                nullableInstant(row.get("retire_at", OffsetDateTime.class)),
                nullableInstant(row.get("expire_at", OffsetDateTime.class)));
        return new KeyRow(schedule, row.get("public_jwk", String.class), row.get("private_jwk_encrypted", byte[].class));
    }

    private static Instant instant(@Nullable OffsetDateTime time) {
        if (time == null) {
            throw new IllegalStateException("signing_key: a not-null time column is null");
        }
        return time.toInstant();
    }

    private static @Nullable Instant nullableInstant(@Nullable OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
