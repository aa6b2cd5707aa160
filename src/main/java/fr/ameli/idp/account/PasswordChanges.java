package fr.ameli.idp.account;

import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The one place where a password changes (« Mes informations », a new code after a provisional or forgotten code):
 * in one transaction (the caller's, if any), the new hash replaces the old one, every login session of the account
 * ends except the one that made the change, every remembered browser is forgotten (the next login on any browser asks
 * for a security code again), and the holder gets the « votre code personnel a été modifié » mail.
 */
@Component
public class PasswordChanges {

    private static final Logger log = LoggerFactory.getLogger(PasswordChanges.class);

    private final DatabaseClient db;
    private final Accounts accounts;
    private final MailTemplates templates;
    private final MailOutbox outbox;
    private final TransactionalOperator tx;

    PasswordChanges(DatabaseClient db, Accounts accounts, MailTemplates templates, MailOutbox outbox,
            TransactionalOperator tx) {
        this.db = db;
        this.accounts = accounts;
        this.templates = templates;
        this.outbox = outbox;
        this.tx = tx;
    }

    /**
     * Sets {@code newHash} (already computed, off the event loop) as the account's password.
     *
     * @param keepSession the {@code id_hash} of the session that made the change, which stays open; null: none stays
     * @return true when the account exists and was changed
     */
    public Mono<Boolean> change(UUID accountId, String newHash, byte @Nullable [] keepSession) {
        return accounts.findById(accountId)
                .flatMap(account -> accounts.changePassword(accountId, newHash).filter(Boolean::booleanValue)
                        .flatMap(changed -> endSessions(accountId, keepSession)
                                .zipWith(forgetBrowsers(accountId))
                                .doOnNext(ended -> log.info("Password changed: {} other session(s) ended, {} remembered "
                                        + "browser(s) forgotten", ended.getT1(), ended.getT2()))
                                .then(tell(account.email()))
                                .thenReturn(true)))
                .defaultIfEmpty(false)
                .as(tx::transactional);
    }

    private Mono<Long> endSessions(UUID accountId, byte @Nullable [] keep) {
        DatabaseClient.GenericExecuteSpec delete = keep == null
                ? db.sql("delete from login_session where account_id = :account")
                : db.sql("delete from login_session where account_id = :account and id_hash <> :keep").bind("keep", keep);
        return delete.bind("account", accountId).fetch().rowsUpdated();
    }

    private Mono<Long> forgetBrowsers(UUID accountId) {
        return db.sql("delete from known_device where account_id = :account").bind("account", accountId)
                .fetch().rowsUpdated();
    }

    private Mono<Void> tell(@Nullable String email) {
        return email == null ? Mono.empty()
                : outbox.enqueue(templates.render(MailTemplates.PASSWORD_CHANGED, email, Map.of()));
    }
}
