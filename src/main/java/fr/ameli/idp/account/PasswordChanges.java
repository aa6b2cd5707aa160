package fr.ameli.idp.account;

import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.session.SessionEnd;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
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
 * Choosing a password, wherever it happens (account creation, « Mes informations », a new personal code after a
 * provisional or forgotten one): every rule of {@link PasswordPolicy} against the person's registry record (no part
 * of the NIR or birth date), then the Argon2id hash (off the event loop). The pages only show the outcome.
 *
 * <p>{@link #change} is the one place where an existing account's password changes: in one transaction (the
 * caller's, if any), the new hash replaces the old one, every login session of the account ends except the one that
 * made the change (the relying parties those sessions signed in to get a back-channel logout token), every remembered
 * browser is forgotten (the next login on any browser asks for a security code again), and the holder gets the « votre code personnel a été modifié » mail.
 */
@Component
public class PasswordChanges {

    private static final Logger log = LoggerFactory.getLogger(PasswordChanges.class);

    /** What a typed password (and its confirmation) leads to. */
    public sealed interface Verdict {

        /** Every rule holds: the hash to store. */
        record Accepted(String hash) implements Verdict {
        }

        /** Broken rules, in the policy's order, and the strength indicator (computed here so that it works without JavaScript). */
        record Refused(List<PasswordViolation> violations, PasswordStrength strength) implements Verdict {

            public Refused {
                violations = List.copyOf(violations);
            }

            /** One message key per broken rule. */
            public List<String> messageKeys() {
                return violations.stream().map(PasswordViolation::messageKey).toList();
            }

            /** The indicator's level, as the pages name it ({@code faible}, {@code moyen}...). */
            public String strengthName() {
                return strength.name().toLowerCase(Locale.ROOT);
            }
        }
    }

    private static final String END_ALL = SessionEnd.statement("delete from login_session where account_id = :account");
    private static final String END_OTHERS = SessionEnd.statement(
            "delete from login_session where account_id = :account and id_hash <> :keep");

    private final Registry registry;
    private final Accounts accounts;
    private final PasswordHasher hasher;
    private final DatabaseClient db;
    private final MailTemplates templates;
    private final MailOutbox outbox;
    private final TransactionalOperator tx;
    private final Clock clock;

    PasswordChanges(Registry registry, Accounts accounts, PasswordHasher hasher, DatabaseClient db,
            MailTemplates templates, MailOutbox outbox, TransactionalOperator tx, Clock clock) {
        this.registry = registry;
        this.accounts = accounts;
        this.hasher = hasher;
        this.db = db;
        this.templates = templates;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    /** The verdict on a new password for {@code person}: hashed when every rule holds. */
    public Mono<Verdict> check(InsuredPerson person, String password, String confirmation) {
        List<PasswordViolation> violations = PasswordPolicy.check(password, confirmation, person.nir(), person.birthDate());
        if (!violations.isEmpty()) {
            return Mono.just(new Verdict.Refused(violations, PasswordPolicy.strength(password)));
        }
        return hasher.hash(password).map(Verdict.Accepted::new);
    }

    /** The verdict on a new password for the person with this NIR; empty when the registry no longer knows them. */
    public Mono<Verdict> check(Nir nir, String password, String confirmation) {
        return registry.findByNir(nir).flatMap(person -> check(person, password, confirmation));
    }

    /** Whether {@code typed} is the account's current password (asked before any change of the account's own settings). */
    public Mono<Boolean> isCurrent(Account account, String typed) {
        return hasher.matches(typed, account.passwordHash());
    }

    /**
     * Sets {@code newHash} (from an {@link Verdict.Accepted}) as the account's password.
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

    /** The other sessions end, and the relying parties they signed in to are told (back-channel logout, queued). */
    private Mono<Long> endSessions(UUID accountId, byte @Nullable [] keep) {
        DatabaseClient.GenericExecuteSpec delete = keep == null ? db.sql(END_ALL) : db.sql(END_OTHERS).bind("keep", keep);
        return delete.bind("account", accountId).bind("now", clock.instant())
                .map(row -> row.get("ended", Long.class)).one();
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
