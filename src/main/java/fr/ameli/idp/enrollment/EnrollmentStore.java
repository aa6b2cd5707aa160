package fr.ameli.idp.enrollment;

import fr.ameli.idp.platform.Sql;
import fr.ameli.idp.registry.Nir;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Enrollment rows. Every save checks the version it read: two tabs or two replicas cannot both win. */
@Component
class EnrollmentStore {

    private static final String COLUMNS = "id_hash, channel, path, nir, identity_verified_at, identity_attempts, "
            + "proof_attempts, locked_until, proof_verified_at, cgu_version, cgu_accepted_at, password_hash, account_id, "
            + "federation_sub, failure, pending_authorization_id, created_at, expires_at, version";

    private final DatabaseClient db;

    EnrollmentStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> insert(Enrollment e) {
        return bind(db.sql("insert into enrollment (" + COLUMNS + ", step, updated_at) values (:id_hash, :channel, :path, "
                + ":nir, :identity_verified_at, :identity_attempts, :proof_attempts, :locked_until, :proof_verified_at, "
                + ":cgu_version, :cgu_accepted_at, :password_hash, :account_id, :federation_sub, :failure, "
                + ":pending_authorization_id, :created_at, :expires_at, :version, :step, :created_at)"), e).then();
    }

    Mono<Enrollment> find(byte[] idHash, Instant now) {
        return db.sql("select " + COLUMNS + " from enrollment where id_hash = :id and expires_at > :now")
                .bind("id", idHash)
                .bind("now", now)
                .map(EnrollmentStore::enrollment)
                .one();
    }

    /** Emits true when saved, false when someone else saved a newer version first. */
    Mono<Boolean> save(Enrollment e, Instant now) {
        return bind(db.sql("update enrollment set nir = :nir, identity_verified_at = :identity_verified_at, "
                        + "identity_attempts = :identity_attempts, proof_attempts = :proof_attempts, "
                        + "locked_until = :locked_until, proof_verified_at = :proof_verified_at, cgu_version = :cgu_version, "
                        + "cgu_accepted_at = :cgu_accepted_at, password_hash = :password_hash, account_id = :account_id, "
                        + "federation_sub = :federation_sub, failure = :failure, "
                        + "pending_authorization_id = :pending_authorization_id, step = :step, updated_at = :now, "
                        + "channel = :channel, path = :path, created_at = :created_at, expires_at = :expires_at, "
                        + "version = version + 1 where id_hash = :id_hash and version = :version"), e)
                .bind("now", now)
                .fetch().rowsUpdated()
                .map(n -> n == 1);
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, Enrollment e) {
        spec = spec.bind("id_hash", e.idHash())
                .bind("channel", e.channel().name())
                .bind("path", e.path().name())
                .bind("identity_attempts", e.identityAttempts())
                .bind("proof_attempts", e.proofAttempts())
                .bind("created_at", e.createdAt())
                .bind("expires_at", e.expiresAt())
                .bind("version", e.version())
                .bind("step", e.step().name());
        spec = Sql.bind(spec, "nir", e.nir() == null ? null : e.nir().value(), String.class);
        spec = Sql.bind(spec, "identity_verified_at", e.identityVerifiedAt(), Instant.class);
        spec = Sql.bind(spec, "locked_until", e.lockedUntil(), Instant.class);
        spec = Sql.bind(spec, "proof_verified_at", e.proofVerifiedAt(), Instant.class);
        spec = Sql.bind(spec, "cgu_version", e.cguVersion(), String.class);
        spec = Sql.bind(spec, "cgu_accepted_at", e.cguAcceptedAt(), Instant.class);
        spec = Sql.bind(spec, "password_hash", e.passwordHash(), String.class);
        spec = Sql.bind(spec, "account_id", e.accountId(), UUID.class);
        spec = Sql.bind(spec, "federation_sub", e.federationSub(), String.class);
        spec = Sql.bind(spec, "failure", e.failure() == null ? null : e.failure().name(), String.class);
        spec = Sql.bind(spec, "pending_authorization_id", e.pendingAuthorizationId(), String.class);
        return spec;
    }


    private static Enrollment enrollment(Readable row) {
        String nir = row.get("nir", String.class);
        String failure = row.get("failure", String.class);
        return new Enrollment(
                row.get("id_hash", byte[].class),
                Enrollment.Channel.valueOf(row.get("channel", String.class)),
                Enrollment.Path.valueOf(row.get("path", String.class)),
                nir == null ? null : Nir.parse(nir),
                instant(row, "identity_verified_at"),
                row.get("identity_attempts", Integer.class),
                row.get("proof_attempts", Integer.class),
                instant(row, "locked_until"),
                instant(row, "proof_verified_at"),
                row.get("cgu_version", String.class),
                instant(row, "cgu_accepted_at"),
                row.get("password_hash", String.class),
                row.get("account_id", UUID.class),
                row.get("federation_sub", String.class),
                failure == null ? null : EnrollmentFailure.valueOf(failure),
                row.get("pending_authorization_id", String.class),
                instant(row, "created_at"),
                instant(row, "expires_at"),
                row.get("version", Long.class));
    }

    private static @Nullable Instant instant(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
