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
import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.registry.InvalidBirthDateException;
import fr.ameli.idp.registry.InvalidNirException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
    private static final ZoneId FRANCE = ZoneId.of("Europe/Paris");

    private static final Logger log = LoggerFactory.getLogger(ForgottenCode.class);

    sealed interface Result {
        /** A code went to the account's address, shown masked ({@code r****@hotmail.com}). */
        record Sent(String maskedEmail) implements Result {
        }

        /** No such person, wrong birth date, no account, no address: the person is sent to the 3646. */
        record NoMatch() implements Result {
        }

        /** Too many requests for this NIR or from this address, or the NIR's path is closed; {@code retryAfter}: until when. */
        record Limited(Duration retryAfter) implements Result {
        }

        /** A field is missing or malformed (message keys per field): nothing was checked, the captcha is still live. */
        record Invalid(Map<String, String> errors) implements Result {
        }

        /** The captcha's answer was wrong, or came too late ({@code errorKey}): that challenge is used up. */
        record CaptchaRefused(String errorKey) implements Result {
        }
    }

    /** What a person (the page's form, or the app) submits: NIR, birth date, the captcha's handle and answer. */
    record Submission(String nir, String birthDate, @Nullable String captchaHandle, String captchaAnswer) {
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
    private final CaptchaChallenges captcha;
    private final Clock clock;

    ForgottenCode(Registry registry, Accounts accounts, ProvisionalCodes codes, PasswordHasher hasher, MailTemplates templates,
            MailOutbox outbox, TransactionalOperator tx, RateLimiter limiter, ProvisionalCodeProperties properties,
            LimitProperties limits, ProvisionalCodeLockout lockout, CaptchaChallenges captcha, Clock clock) {
        this.captcha = captcha;
        this.clock = clock;
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

    /**
     * The whole « Code oublié ? » submission, for the page and the app alike: fields checked (nothing counted when one
     * is wrong), then the limit per client address, then the captcha (used up by the check), then {@link #request}.
     */
    Mono<Result> submit(Submission submission, String clientAddress) {
        Map<String, String> errors = new LinkedHashMap<>();
        Nir nir = nir(submission.nir(), errors);
        BirthDate birthDate = birthDate(submission.birthDate(), errors);
        if (submission.captchaAnswer().isBlank()) {
            errors.put("captcha", "oubli.captcha.obligatoire");
        }
        if (!errors.isEmpty() || nir == null || birthDate == null) {
            return Mono.just(new Result.Invalid(errors));
        }
        return allowAddress(clientAddress).flatMap(permit -> !permit.allowed()
                ? Mono.just(new Result.Limited(permit.retryAfter(clock.instant())))
                : captcha.check(submission.captchaHandle(), submission.captchaAnswer()).flatMap(outcome -> switch (outcome) {
                    case WRONG -> Mono.just(new Result.CaptchaRefused("oubli.captcha.incorrect"));
                    case EXPIRED -> Mono.just(new Result.CaptchaRefused("oubli.captcha.expire"));
                    case VALID -> request(nir, birthDate);
                }));
    }

    /** Counts a submission from this client address; not allowed beyond the limit. */
    private Mono<RateLimiter.Permit> allowAddress(String clientAddress) {
        return limiter.take(new RateLimiter.Counter("forgotten-code-address", clientAddress, limits.perAddress()));
    }

    private static @Nullable Nir nir(String raw, Map<String, String> errors) {
        if (raw.isBlank()) {
            errors.put("nir", "inscription.nir.obligatoire");
            return null;
        }
        try {
            return Nir.parse(raw);
        } catch (InvalidNirException e) {
            errors.put("nir", "inscription.nir.invalide");
            return null;
        }
    }

    private @Nullable BirthDate birthDate(String raw, Map<String, String> errors) {
        try {
            return BirthDate.parseFrench(raw, LocalDate.ofInstant(clock.instant(), FRANCE));
        } catch (InvalidBirthDateException e) {
            errors.put("dateNaissance", e.reason() == InvalidBirthDateException.Reason.EMPTY
                    ? "inscription.date.obligatoire" : "inscription.date.invalide");
            return null;
        }
    }

    Mono<Result> request(Nir nir, BirthDate birthDate) {
        Mono<RateLimiter.Permit> allowed = limiter.take(new RateLimiter.Counter("forgotten-code-nir", nir.value(),
                limits.perNir()));
        // How long the NIR's provisional-code path stays closed; zero when it is open.
        Mono<Duration> closedFor = lockout.closedUntil(nir).map(until -> Duration.between(clock.instant(), until))
                .defaultIfEmpty(Duration.ZERO);
        return allowed.zipWith(closedFor).flatMap(checks -> {
            RateLimiter.Permit permit = checks.getT1();
            Duration closed = checks.getT2();
            if (!permit.allowed() || closed.isPositive()) {
                log.info("Forgotten-code request refused: {}", closed.isPositive()
                        ? "provisional-code path closed for the NIR" : "limit per NIR reached");
                Duration wait = permit.retryAfter(clock.instant());
                return Mono.just(new Result.Limited(closed.compareTo(wait) > 0 ? closed : wait));
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
