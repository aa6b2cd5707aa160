package fr.ameli.idp.provisional;

import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.mail.MailOutbox;
import fr.ameli.idp.mail.MailTemplates;
import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * « J'ai oublié mon code » (SPEC 3.5, seed 003): NIR + birth date of a person whose ACTIVE account has an address
 * → a new 4-digit provisional code by mail, valid 30 minutes (the code row and the mail commit together, through
 * the outbox). Anything else → « appelez le 3646 », after the same amount of hashing work, so that neither the
 * answer nor its timing says more than the seed's page does. Requests are limited per NIR and per client address
 * (counters shared by every instance); a refused request sends nothing, and so does a request for a NIR whose
 * provisional-code path is closed (too many wrong codes, {@link ProvisionalCodeLockout}). The mail carries the code
 * alone: not the NIR, which whoever reads the mailbox must not learn from it.
 */
@Component
class ForgottenCode {

    static final String SUBJECT = "Votre code provisoire ameli";
    static final int CODE_LENGTH = 4;

    private static final Logger log = LoggerFactory.getLogger(ForgottenCode.class);

    sealed interface Result {
        /** A code went to the account's address, shown masked ({@code r****@hotmail.com}). */
        record Sent(String maskedEmail) implements Result {
        }

        /** No such person, wrong birth date, no account, no address: the person is sent to the 3646. */
        record NoMatch() implements Result {
        }

        /** Too many requests for this NIR or from this address. */
        record Limited() implements Result {
        }
    }

    private final Registry registry;
    private final Accounts accounts;
    private final ProvisionalCodes codes;
    private final PasswordHasher hasher;
    private final MailTemplates templates;
    private final MailOutbox outbox;
    private final TransactionalOperator tx;
    private final RateLimiter limiter;
    private final ProvisionalCodeProperties properties;
    private final LimitProperties.ForgottenCode limits;
    private final ProvisionalCodeLockout lockout;

    ForgottenCode(Registry registry, Accounts accounts, ProvisionalCodes codes, PasswordHasher hasher, MailTemplates templates,
            MailOutbox outbox, TransactionalOperator tx, RateLimiter limiter, ProvisionalCodeProperties properties,
            LimitProperties limits, ProvisionalCodeLockout lockout) {
        this.registry = registry;
        this.accounts = accounts;
        this.codes = codes;
        this.hasher = hasher;
        this.templates = templates;
        this.outbox = outbox;
        this.tx = tx;
        this.limiter = limiter;
        this.properties = properties;
        this.limits = limits.forgottenCode();
        this.lockout = lockout;
    }

    /** Counts a submission from this client address; emits false beyond the limit. */
    Mono<Boolean> allowAddress(String clientAddress) {
        return limiter.acquire("forgotten-code-address", clientAddress, limits.perAddress());
    }

    Mono<Result> request(Nir nir, BirthDate birthDate) {
        Mono<Boolean> allowed = limiter.acquire("forgotten-code-nir", nir.value(), limits.perNir());
        return allowed.zipWith(lockout.closed(nir)).flatMap(checks -> {
            if (!checks.getT1() || checks.getT2()) {
                log.info("Forgotten-code request refused: {}", checks.getT2() ? "provisional-code path closed for the NIR"
                        : "limit per NIR reached");
                return Mono.just(new Result.Limited());
            }
            return registry.findByNir(nir)
                    .filter(person -> person.birthDate().equals(birthDate))
                    .flatMap(person -> accounts.findByNir(nir))
                    .filter(account -> account.status() == AccountStatus.ACTIVE && account.email() != null)
                    .flatMap(account -> codes.draw(CODE_LENGTH).flatMap(code -> codes.store(nir, ProvisionalCodes.Origin.FORGOTTEN,
                                    code, properties.emailedValidity())
                            .then(Mono.defer(() -> outbox.enqueue(templates.render("PROVISIONAL_CODE", account.email(), SUBJECT,
                                    Map.of("code", code.code(),
                                            "validityMinutes", properties.emailedValidity().toMinutes())))))
                            .as(tx::transactional)
                            .<Result>thenReturn(new Result.Sent(EmailAddress.parse(account.email()).masked()))))
                    .doOnNext(sent -> log.info("Forgotten-code request: provisional code sent"))
                    // The same Argon2 work as a real code, so that timing does not tell who has an account.
                    .switchIfEmpty(Mono.defer(() -> hasher.hash("0000").thenReturn(new Result.NoMatch())));
        });
    }
}
