package fr.ameli.idp.mail;

import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Where mail is handed over: {@link #enqueue(Mail)} writes it to the {@code mail_outbox} table, and the
 * background sender delivers it over SMTP later, retrying as long as the server is down (SPEC 5).
 * Nothing here talks to SMTP, so enqueueing is safe inside a transaction and on an event loop.
 */
@Component
public class MailOutbox {

    private static final String INSERT = "insert into mail_outbox (id, recipient, subject, text_body, html_body, kind, "
            + "created_at, next_attempt_at, attempts) "
            + "values (:id, :recipient, :subject, :text_body, :html_body, :kind, :now, :now, 0)";

    private final DatabaseClient db;
    private final Clock clock;

    MailOutbox(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Queues the mail: a single {@code INSERT} through the shared {@link DatabaseClient}, due at once.
     *
     * <p><b>Transactions.</b> The insert runs on the connection of the caller's reactive transaction when
     * there is one: wrap the state change and the enqueue in the same {@code TransactionalOperator}
     * ({@code accounts.create(...).then(outbox.enqueue(mail)).as(tx::transactional)}), and the mail exists
     * if and only if the change is committed. Outside a transaction the row is committed on its own.
     * Either way the mail is sent only after the commit, by the background sender: never call SMTP
     * inside a transaction (STYLE 6).
     *
     * @return completes once the row is written (in the transaction, if any)
     */
    public Mono<Void> enqueue(Mail mail) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return db.sql(INSERT)
                    .bind("id", Secrets.newUuid())
                    .bind("recipient", mail.recipient())
                    .bind("subject", mail.subject())
                    .bind("text_body", mail.textBody())
                    .bind("html_body", mail.htmlBody())
                    .bind("kind", mail.kind())
                    .bind("now", now)
                    .fetch()
                    .rowsUpdated()
                    .then();
        });
    }
}
