package fr.ameli.idp.federation;

import fr.ameli.idp.platform.Sql;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code federation_request} and {@code federation_link} rows (V8). Every value a browser holds is
 * stored as its SHA-256 only. Rows are consumed with one atomic {@code UPDATE … WHERE consumed_at IS NULL
 * RETURNING}: a replayed state or link finds nothing (STYLE §2), never a read-then-write race.
 */
@Component
class FederationRequests {

    /** Why the person went to the provider. */
    enum Purpose { LOGIN, ENROLLMENT, LOGOUT }

    /** A consumed authorization redirect: what the callback needs. */
    record Authorization(Purpose purpose, byte[] nonceHash, String codeVerifier, @Nullable String pendingAuthorizationId) {
        @Override
        public String toString() {
            return "Authorization[" + purpose + "]";
        }
    }

    /** A consumed logout redirect: where the browser goes next ({@code null}: our « déconnecté » page). */
    record Logout(@Nullable String target) {
    }

    /** A verified subject waiting for the account's password. */
    record Link(UUID accountId, String sub, String idToken, Purpose purpose, @Nullable String pendingAuthorizationId,
            int attempts) {
        @Override
        public String toString() {
            return "Link[" + accountId + ", " + purpose + "]";
        }
    }

    private final DatabaseClient db;

    FederationRequests(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> saveAuthorization(byte[] stateHash, byte[] browserHash, Purpose purpose, byte[] nonceHash, String codeVerifier,
            @Nullable String pendingAuthorizationId, Instant now, Instant expiresAt) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into federation_request (state_hash, purpose, browser_hash, "
                        + "nonce_hash, code_verifier, pending_authorization_id, created_at, expires_at) values (:state, :purpose, "
                        + ":browser, :nonce, :verifier, :pending, :now, :expires)")
                .bind("state", stateHash)
                .bind("purpose", purpose.name())
                .bind("browser", browserHash)
                .bind("nonce", nonceHash)
                .bind("verifier", codeVerifier)
                .bind("now", now)
                .bind("expires", expiresAt);
        return Sql.bind(insert, "pending", pendingAuthorizationId).then();
    }

    /** Consumes the authorization of this state, if this browser started it, unexpired and unused; else empty. */
    Mono<Authorization> consumeAuthorization(byte[] stateHash, byte[] browserHash, Instant now) {
        return db.sql("update federation_request set consumed_at = :now where state_hash = :state and browser_hash = :browser "
                        + "and purpose in ('LOGIN', 'ENROLLMENT') and consumed_at is null and expires_at > :now "
                        + "returning purpose, nonce_hash, code_verifier, pending_authorization_id")
                .bind("now", now)
                .bind("state", stateHash)
                .bind("browser", browserHash)
                .map(row -> new Authorization(Purpose.valueOf(row.get("purpose", String.class)), row.get("nonce_hash", byte[].class),
                        row.get("code_verifier", String.class), row.get("pending_authorization_id", String.class)))
                .one();
    }

    Mono<Void> saveLogout(byte[] stateHash, @Nullable String target, Instant now, Instant expiresAt) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into federation_request (state_hash, purpose, logout_target, "
                        + "created_at, expires_at) values (:state, 'LOGOUT', :target, :now, :expires)")
                .bind("state", stateHash)
                .bind("now", now)
                .bind("expires", expiresAt);
        return Sql.bind(insert, "target", target).then();
    }

    Mono<Logout> consumeLogout(byte[] stateHash, Instant now) {
        return db.sql("update federation_request set consumed_at = :now where state_hash = :state and purpose = 'LOGOUT' "
                        + "and consumed_at is null and expires_at > :now returning logout_target")
                .bind("now", now)
                .bind("state", stateHash)
                .map(row -> new Logout(row.get("logout_target", String.class)))
                .one();
    }

    Mono<Void> saveLink(byte[] idHash, Link link, Instant now, Instant expiresAt) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into federation_link (id_hash, account_id, sub, id_token, "
                        + "purpose, pending_authorization_id, created_at, expires_at) values (:id, :account, :sub, :token, "
                        + ":purpose, :pending, :now, :expires)")
                .bind("id", idHash)
                .bind("account", link.accountId())
                .bind("sub", link.sub())
                .bind("token", link.idToken())
                .bind("purpose", link.purpose().name())
                .bind("now", now)
                .bind("expires", expiresAt);
        return Sql.bind(insert, "pending", link.pendingAuthorizationId()).then();
    }

    /** The live link behind a cookie, or empty (unknown, expired, used, or out of attempts). */
    Mono<Link> findLink(byte[] idHash, int maxAttempts, Instant now) {
        return db.sql("select account_id, sub, id_token, purpose, pending_authorization_id, attempts from federation_link "
                        + "where id_hash = :id and consumed_at is null and expires_at > :now and attempts < :max")
                .bind("id", idHash)
                .bind("now", now)
                .bind("max", maxAttempts)
                .map(FederationRequests::link)
                .one();
    }

    /** Counts a wrong password; emits the attempts made so far (empty when the link is no longer live). */
    Mono<Integer> failedAttempt(byte[] idHash, Instant now) {
        return db.sql("update federation_link set attempts = attempts + 1 where id_hash = :id and consumed_at is null "
                        + "and expires_at > :now returning attempts")
                .bind("id", idHash)
                .bind("now", now)
                .map(row -> row.get("attempts", Integer.class))
                .one();
    }

    /** Uses the link, once: a second submission (double click, second tab) finds nothing. */
    Mono<Link> consumeLink(byte[] idHash, int maxAttempts, Instant now) {
        return db.sql("update federation_link set consumed_at = :now where id_hash = :id and consumed_at is null "
                        + "and expires_at > :now and attempts < :max "
                        + "returning account_id, sub, id_token, purpose, pending_authorization_id, attempts")
                .bind("id", idHash)
                .bind("now", now)
                .bind("max", maxAttempts)
                .map(FederationRequests::link)
                .one();
    }

    private static Link link(Readable row) {
        return new Link(row.get("account_id", UUID.class), row.get("sub", String.class), row.get("id_token", String.class),
                Purpose.valueOf(row.get("purpose", String.class)), row.get("pending_authorization_id", String.class),
                row.get("attempts", Integer.class));
    }

}
