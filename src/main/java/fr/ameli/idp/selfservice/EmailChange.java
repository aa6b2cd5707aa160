package fr.ameli.idp.selfservice;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.EmailConfirmations;
import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A change of address (SPEC 3.6): the new address gets a single-use link (purpose EMAIL_CHANGE); the account keeps
 * its current address until the link is followed. Then, in one transaction, the address changes (the unique index
 * has the last word) and the former address is told by the « EMAIL_CHANGED » mail.
 */
@Component
class EmailChange {

    static final String CHANGED_SUBJECT = "Votre compte ameli - Modification de votre adresse mail";
    static final String CONFIRM_PATH = "/compte/email/confirmation";

    /** What following a link did. */
    enum Outcome { CONFIRMED, TAKEN, DEAD }

    private final Accounts accounts;
    private final EmailConfirmations confirmations;
    private final MailTemplates templates;
    private final MailOutbox outbox;
    private final TransactionalOperator tx;
    private final SelfServiceProperties properties;
    private final Clock clock;

    EmailChange(Accounts accounts, EmailConfirmations confirmations, MailTemplates templates, MailOutbox outbox,
            TransactionalOperator tx, SelfServiceProperties properties, Clock clock) {
        this.accounts = accounts;
        this.confirmations = confirmations;
        this.templates = templates;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Sends the confirmation link to the new address (older links die); the account is unchanged until it is followed.
     * The current address is told at once (not only once the change is done), so that a change asked for by someone
     * else can be stopped before its link is followed.
     */
    Mono<Void> request(Account account, EmailAddress newAddress) {
        return confirmations.send(account.id(), newAddress.normalized(), EmailConfirmations.Purpose.EMAIL_CHANGE,
                        properties.emailChangeLinkValidity(), null, CONFIRM_PATH)
                .then(Mono.defer(() -> account.email() == null ? Mono.<Void>empty()
                        : outbox.enqueue(templates.render(MailTemplates.EMAIL_CHANGE_REQUESTED, account.email(),
                                Map.of("maskedEmail", newAddress.masked())))))
                .as(tx::transactional);
    }

    /** The address waiting for its confirmation, if a live link exists. */
    Mono<String> pending(Account account) {
        return confirmations.latest(account.id(), EmailConfirmations.Purpose.EMAIL_CHANGE)
                .filter(issued -> !issued.used() && issued.expiresAt().isAfter(clock.instant()))
                .map(EmailConfirmations.Issued::email);
    }

    /** Follows a link: the new address takes effect and the former one is told, or nothing happens. */
    Mono<Outcome> confirm(String token) {
        return confirmations.consume(token)
                .flatMap(result -> result.outcome() != EmailConfirmations.Outcome.CONFIRMED
                        || result.purpose() != EmailConfirmations.Purpose.EMAIL_CHANGE
                        ? Mono.just(Outcome.DEAD)
                        : accounts.findById(result.accountId()).flatMap(account -> {
                            EmailAddress next = EmailAddress.parse(result.email());
                            return accounts.changeEmail(account.id(), next)
                                    .then(tellFormer(account.email(), next))
                                    .thenReturn(Outcome.CONFIRMED);
                        }))
                .as(tx::transactional)
                .onErrorResume(Accounts.ConflictException.class, e -> Mono.just(Outcome.TAKEN));
    }

    private Mono<Void> tellFormer(@Nullable String former, EmailAddress next) {
        if (former == null || EmailAddress.parse(former).equals(next)) {
            return Mono.empty();
        }
        Map<String, Object> model = new HashMap<>();
        model.put("maskedEmail", next.masked());
        return outbox.enqueue(templates.render("EMAIL_CHANGED", former, CHANGED_SUBJECT, model));
    }
}
