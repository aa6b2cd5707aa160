package fr.ameli.idp.account;

import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
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

    private final MailTemplates templates;
    private final MailOutbox outbox;

    EmailConfirmations(DatabaseClient db, Clock clock, MailTemplates templates, MailOutbox outbox) {
        this.db = db;
        this.clock = clock;
        this.templates = templates;
        this.outbox = outbox;
    }

    /**
     * Issues a link and queues the confirmation mail (« Votre compte ameli - Confirmation de votre adresse mail »,
     * worded for an activation or a change of address) in the caller's transaction. {@code path} is the page that
     * follows the link, under the public base URL.
     */
    public Mono<Void> send(UUID accountId, String email, Purpose purpose, Duration validity, @Nullable Duration forgetAfter,
            String path) {
        return issue(accountId, email, purpose, validity, forgetAfter)
                .flatMap(token -> outbox.enqueue(templates.render(MailTemplates.EMAIL_CONFIRMATION, email, Map.of(
                        "link", templates.link(path + "?jeton=" + token),
                        "validityDays", validity.toDays(),
                        "changement", purpose == Purpose.EMAIL_CHANGE))));
    }

    /** Creates a link token for the account (older ones stop working); emits the token to put in the mail. */
    public Mono<String> issue(UUID accountId, String email, Purpose purpose, Duration validity) {
        return issue(accountId, email, purpose, validity, null);
    }

    /**
     * Same, for an activation link after which an unconfirmed address is forgotten ({@code forgetAfter}, counted
     * from now like {@code validity}; null: never). Seed 001: 7 days valid, forgotten after 21.
     */
    public Mono<String> issue(UUID accountId, String email, Purpose purpose, Duration validity, @Nullable Duration forgetAfter) {
        return Mono.defer(() -> {
            String token = Secrets.newHandle();
            Instant now = clock.instant();
            DatabaseClient.GenericExecuteSpec insert = db.sql("with superseded as (update email_confirmation set superseded_at = :now "
                            + "where account_id = :account and used_at is null and superseded_at is null) insert into "
                            + "email_confirmation (token_hash, account_id, email, purpose, created_at, expires_at, forget_at) "
                            + "values (:hash, :account, :email, :purpose, :now, :expires, :forget)")
                    .bind("now", now)
                    .bind("account", accountId)
                    .bind("hash", Secrets.sha256(token))
                    .bind("email", email)
                    .bind("purpose", purpose.name())
                    .bind("expires", now.plus(validity));
            insert = forgetAfter == null ? insert.bindNull("forget", Instant.class) : insert.bind("forget", now.plus(forgetAfter));
            return insert.then().thenReturn(token);
        });
    }

    /** The newest link of an account for a purpose, as issued (the token itself is never stored). */
    public record Issued(String email, Instant createdAt, Instant expiresAt, @Nullable Instant forgetAt, boolean used) {

        /** How long it was valid, and after how long its address is forgotten (null: never). */
        public Duration validity() {
            return Duration.between(createdAt, expiresAt);
        }

        public @Nullable Duration forgetAfter() {
            return forgetAt == null ? null : Duration.between(createdAt, forgetAt);
        }

        @Override
        public String toString() {
            return "Issued[" + createdAt + ", used=" + used + "]";
        }
    }

    public Mono<Issued> latest(UUID accountId, Purpose purpose) {
        return db.sql("select email, created_at, expires_at, forget_at, used_at from email_confirmation "
                        + "where account_id = :account and purpose = :purpose order by created_at desc limit 1")
                .bind("account", accountId)
                .bind("purpose", purpose.name())
                .map(row -> {
                    OffsetDateTime forget = row.get("forget_at", OffsetDateTime.class);
                    return new Issued(row.get("email", String.class), row.get("created_at", OffsetDateTime.class).toInstant(),
                            row.get("expires_at", OffsetDateTime.class).toInstant(), forget == null ? null : forget.toInstant(),
                            row.get("used_at", OffsetDateTime.class) != null);
                })
                .one();
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
