package fr.ameli.idp.account;

import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Single-use email confirmation links (SPEC 3.2.7). Only the hash of the token is stored; issuing a link
 * supersedes every earlier one of the account; following it once activates the account (or confirms the
 * new address). Dead, reused or superseded links get a clear outcome, never an error.
 */
@Component
public class EmailConfirmations {

    public enum Purpose { ACTIVATION, EMAIL_CHANGE }

    public enum Outcome { CONFIRMED, EXPIRED, USED, SUPERSEDED, UNKNOWN }

    /** The result of following a link, with the account it belongs to (null when unknown). */
    public record Result(Outcome outcome, UUID accountId, String email, Purpose purpose) {
    }

    private final DatabaseClient db;
    private final Clock clock;

    EmailConfirmations(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Creates a link token for the account (older ones stop working); emits the token to put in the mail. */
    public Mono<String> issue(UUID accountId, String email, Purpose purpose, Duration validity) {
        return Mono.defer(() -> {
            String token = Secrets.newHandle();
            Instant now = clock.instant();
            return db.sql("with superseded as (update email_confirmation set superseded_at = :now where account_id = :account "
                            + "and used_at is null and superseded_at is null) insert into email_confirmation (token_hash, "
                            + "account_id, email, purpose, created_at, expires_at) values (:hash, :account, :email, :purpose, "
                            + ":now, :expires)")
                    .bind("now", now)
                    .bind("account", accountId)
                    .bind("hash", Secrets.sha256(token))
                    .bind("email", email)
                    .bind("purpose", purpose.name())
                    .bind("expires", now.plus(validity))
                    .then()
                    .thenReturn(token);
        });
    }

    /** How many links were issued for this account since {@code since} (to limit resending). */
    public Mono<Long> issuedSince(UUID accountId, Instant since) {
        return db.sql("select count(*) from email_confirmation where account_id = :account and created_at > :since")
                .bind("account", accountId)
                .bind("since", since)
                .map(row -> row.get(0, Long.class)).one();
    }

    /**
     * Consumes the link atomically (a second use finds it used) and reports what it was. The caller
     * applies the purpose (activation, address change) in the same transaction.
     */
    public Mono<Result> consume(String token) {
        Instant now = clock.instant();
        byte[] hash = Secrets.sha256(token);
        return db.sql("update email_confirmation set used_at = :now where token_hash = :hash and used_at is null "
                        + "and superseded_at is null and expires_at > :now returning account_id, email, purpose")
                .bind("now", now)
                .bind("hash", hash)
                .map(row -> new Result(Outcome.CONFIRMED, row.get("account_id", UUID.class), row.get("email", String.class),
                        Purpose.valueOf(row.get("purpose", String.class))))
                .one()
                .switchIfEmpty(Mono.defer(() -> db.sql("select account_id, email, purpose, used_at, superseded_at, expires_at "
                                + "from email_confirmation where token_hash = :hash")
                        .bind("hash", hash)
                        .map(row -> new Result(
                                row.get("used_at", OffsetDateTime.class) != null ? Outcome.USED
                                        : row.get("superseded_at", OffsetDateTime.class) != null ? Outcome.SUPERSEDED
                                        : Outcome.EXPIRED,
                                row.get("account_id", UUID.class), row.get("email", String.class),
                                Purpose.valueOf(row.get("purpose", String.class))))
                        .one()
                        .defaultIfEmpty(new Result(Outcome.UNKNOWN, null, null, null))));
    }
}
