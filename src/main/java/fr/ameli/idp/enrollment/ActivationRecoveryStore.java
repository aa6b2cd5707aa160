package fr.ameli.idp.enrollment;

import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The SQL of activation recovery: the browsers' handles ({@code activation_recovery}) and forgetting addresses. */
@Component
class ActivationRecoveryStore {

    private final DatabaseClient db;

    ActivationRecoveryStore(DatabaseClient db) {
        this.db = db;
    }

    /** Stores a handle's hash for an account (and drops the expired ones on the way). */
    Mono<Void> open(byte[] idHash, UUID accountId, Instant now, Instant expiresAt) {
        return db.sql("with purge as (delete from activation_recovery where expires_at < :now) "
                        + "insert into activation_recovery (id_hash, account_id, created_at, expires_at) "
                        + "values (:id, :account, :now, :expires)")
                .bind("now", now)
                .bind("id", idHash)
                .bind("account", accountId)
                .bind("expires", expiresAt)
                .then();
    }

    /** The account behind a live handle. */
    Mono<UUID> account(byte[] idHash, Instant now) {
        return db.sql("select account_id from activation_recovery where id_hash = :id and expires_at > :now")
                .bind("id", idHash)
                .bind("now", now)
                .map(row -> row.get("account_id", UUID.class))
                .one();
    }

    /** Forgets the address of every PENDING account whose newest activation link is past its forget time. */
    Mono<Long> forgetDueAddresses(Instant now) {
        return db.sql("update account a set email = null, version = a.version + 1 where a.status = 'PENDING' "
                        + "and a.email is not null and (select c.forget_at from email_confirmation c where c.account_id = a.id "
                        + "and c.purpose = 'ACTIVATION' order by c.created_at desc limit 1) <= :now")
                .bind("now", now)
                .fetch().rowsUpdated();
    }
}
