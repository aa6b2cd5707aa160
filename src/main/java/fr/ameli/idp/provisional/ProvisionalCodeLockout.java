package fr.ameli.idp.provisional;

import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The cumulative limit on provisional codes (README « Security »): wrong entries are counted per NIR across every
 * code the person had (counter or « Code oublié ? »), since a 4-digit code re-drawn a few times a day would
 * otherwise fall to steady guessing. The entry that reaches the limit closes the path for that NIR for
 * {@code idp.limits.provisional-code.lockout}: no login with a code, no new code by mail. The holder is told by
 * mail, once per closing, at the account's address (else the address on file in the registry); the mail carries
 * neither the NIR nor a code nor a link.
 */
@Component
class ProvisionalCodeLockout {

    static final String FAILURES = "provisional-code-failures";
    static final String CLOSED = "provisional-code";

    private static final Logger log = LoggerFactory.getLogger(ProvisionalCodeLockout.class);

    private final RateLimiter limiter;
    private final LimitProperties.ProvisionalCode limits;
    private final Accounts accounts;
    private final Registry registry;
    private final MailTemplates templates;
    private final MailOutbox outbox;
    private final TransactionalOperator tx;

    ProvisionalCodeLockout(RateLimiter limiter, LimitProperties limits, Accounts accounts, Registry registry,
            MailTemplates templates, MailOutbox outbox, TransactionalOperator tx) {
        this.limiter = limiter;
        this.limits = limits.provisionalCode();
        this.accounts = accounts;
        this.registry = registry;
        this.templates = templates;
        this.outbox = outbox;
        this.tx = tx;
    }

    /** Whether the provisional-code path of this NIR is closed now. */
    Mono<Boolean> closed(Nir nir) {
        return limiter.locked(CLOSED, nir.value());
    }

    /** When the provisional-code path of this NIR opens again; empty when it is open. */
    Mono<Instant> closedUntil(Nir nir) {
        return limiter.lockedUntil(CLOSED, nir.value());
    }

    /** Takes the slot of one entry, before it is compared; give it back when the entry was right. */
    Mono<RateLimiter.Permit> take(Nir nir) {
        return limiter.take(new RateLimiter.Counter(FAILURES, nir.value(), limits.failuresPerNir()));
    }

    Mono<Void> giveBack(RateLimiter.Permit permit) {
        return limiter.giveBack(permit);
    }

    /** Closes the path of this NIR; the call that closed it queues the mail to the holder, in the same transaction. */
    Mono<Void> close(Nir nir) {
        return limiter.lock(CLOSED, nir.value(), limits.lockout())
                .filter(Boolean::booleanValue)
                .doOnNext(closedNow -> log.warn("Provisional-code path closed for a NIR: too many wrong codes"))
                .flatMap(closedNow -> accounts.findByNir(nir).mapNotNull(account -> account.email())
                        .switchIfEmpty(Mono.defer(() -> registry.findByNir(nir).mapNotNull(person -> person.email()))))
                .flatMap(email -> outbox.enqueue(templates.render(MailTemplates.PROVISIONAL_CODE_BLOCKED, email,
                        Map.of("lockoutHours", limits.lockout().toHours()))))
                .as(tx::transactional);
    }
}
