package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.EmailConfirmations;
import fr.ameli.idp.account.InvalidEmailException;
import fr.ameli.idp.platform.BackgroundJob;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * « Validation de mon email » after the link died (seed 001). A person whose PENDING account's link is dead —
 * who followed it, or logged in with the account's password — may have a new one sent: to the same address or
 * to another one while the address is kept, to a new address once it is forgotten. The browser that proved it
 * may do so gets a short-lived handle (HttpOnly cookie, hashed in {@code activation_recovery}).
 *
 * <p>Addresses are forgotten when their time comes ({@link LinkWindows#forgetAfter}): at once when the person
 * comes back, and by a periodic sweep on every instance (an idempotent UPDATE, a {@link BackgroundJob}), so that an address nobody
 * confirmed does not stay reserved by the unique index.
 */
@Component
public class ActivationRecovery implements BackgroundJob {

    public static final String COOKIE = "AMELI_VALIDATION";
    static final String PATH = "/validation-email";

    private static final Logger log = LoggerFactory.getLogger(ActivationRecovery.class);

    /** Where a PENDING account's activation stands, for the page. */
    record State(Account account, LinkWindows.Phase phase, LinkWindows windows) {
    }

    /** The result of asking for a new link. */
    sealed interface Sent {
        record Done(String maskedEmail) implements Sent {
        }

        record Invalid(Map<String, String> errors) implements Sent {
        }

        /** The handle is unknown or expired, or the account is no longer PENDING. */
        record Gone() implements Sent {
        }
    }

    private final DatabaseClient db;
    private final Accounts accounts;
    private final EmailConfirmations confirmations;
    private final AccountActivation activation;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final EnrollmentProperties properties;
    private final IdpProperties idp;

    ActivationRecovery(DatabaseClient db, Accounts accounts, EmailConfirmations confirmations, AccountActivation activation,
            TransactionalOperator tx, Clock clock, EnrollmentProperties properties, IdpProperties idp) {
        this.db = db;
        this.accounts = accounts;
        this.confirmations = confirmations;
        this.activation = activation;
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
        this.idp = idp;
    }

    /** The phase of the newest activation link of an account; empty when it has none. */
    public Mono<LinkWindows.Phase> phase(UUID accountId) {
        return confirmations.latest(accountId, EmailConfirmations.Purpose.ACTIVATION)
                .map(issued -> windows(issued).phase(issued.createdAt(), clock.instant()));
    }

    /** Lets this browser ask for a new link of a PENDING account; emits the cookie, or empty when not PENDING. */
    public Mono<ResponseCookie> open(UUID accountId) {
        return accounts.findById(accountId)
                .filter(account -> account.status() == AccountStatus.PENDING)
                .flatMap(account -> {
                    String handle = Secrets.newHandle();
                    Instant now = clock.instant();
                    return db.sql("with purge as (delete from activation_recovery where expires_at < :now) "
                                    + "insert into activation_recovery (id_hash, account_id, created_at, expires_at) "
                                    + "values (:id, :account, :now, :expires)")
                            .bind("now", now)
                            .bind("id", Secrets.sha256(handle))
                            .bind("account", accountId)
                            .bind("expires", now.plus(properties.recoveryTtl()))
                            .then()
                            .thenReturn(cookie(handle, properties.recoveryTtl()));
                });
    }

    ResponseCookie clearCookie() {
        return cookie("", Duration.ZERO);
    }

    /** The state behind this browser's handle; forgets the address first if its time has come. */
    Mono<State> state(ServerRequest request) {
        return account(request).flatMap(account -> confirmations.latest(account.id(), EmailConfirmations.Purpose.ACTIVATION)
                .map(issued -> new State(account, windows(issued).phase(issued.createdAt(), clock.instant()), windows(issued)))
                .defaultIfEmpty(new State(account, LinkWindows.Phase.EXPIRED, activation.windows(Enrollment.Path.CARTE_VITALE)))
                .flatMap(state -> state.phase() == LinkWindows.Phase.FORGOTTEN && account.email() != null
                        ? accounts.forgetPendingEmail(account.id())
                                .then(accounts.findById(account.id()))
                                .map(reloaded -> new State(reloaded, state.phase(), state.windows()))
                        : Mono.just(state)));
    }

    /** A new link to the address on file (not once it is forgotten). */
    Mono<Sent> resendSame(ServerRequest request) {
        return state(request).flatMap(state -> {
            String email = state.account().email();
            if (email == null || state.phase() == LinkWindows.Phase.FORGOTTEN) {
                return Mono.<Sent>just(new Sent.Invalid(Map.of("email", "inscription.email.obligatoire")));
            }
            return limited(state.account()).flatMap(tooMany -> tooMany ? Mono.just(tooMany())
                    : activation.sendLink(state.account().id(), email, state.windows()).as(tx::transactional)
                            .thenReturn(new Sent.Done(EmailAddress.parse(email).masked())));
        }).defaultIfEmpty(new Sent.Gone());
    }

    /** A new address (typed twice, unused by other accounts) replaces the one on file, and gets a new link. */
    Mono<Sent> sendToOther(ServerRequest request, @Nullable String typed, @Nullable String confirmation) {
        Map<String, String> errors = new LinkedHashMap<>();
        EmailAddress email = null;
        try {
            email = EmailAddress.parse(typed);
            if (!email.canonical().equals(canonical(confirmation))) {
                errors.put("emailConfirmation", "inscription.email.differents");
            }
        } catch (InvalidEmailException e) {
            errors.put("email", e.reason() == InvalidEmailException.Reason.EMPTY ? "inscription.email.obligatoire"
                    : "inscription.email.invalide");
        }
        if (!errors.isEmpty() || email == null) {
            return Mono.just(new Sent.Invalid(errors));
        }
        EmailAddress address = email;
        return state(request).flatMap(state -> limited(state.account()).flatMap(tooMany -> tooMany ? Mono.just(tooMany())
                : accounts.changeEmail(state.account().id(), address)
                        .then(activation.sendLink(state.account().id(), address.normalized(), state.windows()))
                        .as(tx::transactional)
                        .<Sent>thenReturn(new Sent.Done(address.masked()))
                        .onErrorResume(Accounts.ConflictException.class,
                                e -> Mono.just(new Sent.Invalid(Map.of("email", "inscription.email.deja_utilise"))))))
                .defaultIfEmpty(new Sent.Gone());
    }

    @Override
    public String name() {
        return "forget-unconfirmed-addresses";
    }

    @Override
    public Duration interval() {
        return properties.forgetSweepInterval();
    }

    @Override
    public Mono<Void> run() {
        return forgetDueAddresses().then();
    }

    /** Forgets the address of every PENDING account whose newest activation link is past its forget time. */
    Mono<Long> forgetDueAddresses() {
        return db.sql("update account a set email = null, version = a.version + 1 where a.status = 'PENDING' "
                        + "and a.email is not null and (select c.forget_at from email_confirmation c where c.account_id = a.id "
                        + "and c.purpose = 'ACTIVATION' order by c.created_at desc limit 1) <= :now")
                .bind("now", clock.instant())
                .fetch().rowsUpdated()
                .doOnNext(n -> {
                    if (n > 0) {
                        log.info("Forgot {} unconfirmed address(es) of pending accounts", n);
                    }
                });
    }

    private Mono<Account> account(ServerRequest request) {
        HttpCookie cookie = request.cookies().getFirst(COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return Mono.empty();
        }
        return db.sql("select account_id from activation_recovery where id_hash = :id and expires_at > :now")
                .bind("id", Secrets.sha256(cookie.getValue()))
                .bind("now", clock.instant())
                .map(row -> row.get("account_id", UUID.class))
                .one()
                .flatMap(accounts::findById)
                .filter(account -> account.status() == AccountStatus.PENDING);
    }

    private Mono<Boolean> limited(Account account) {
        return confirmations.issuedSince(account.id(), clock.instant().minus(Duration.ofHours(1)))
                .map(count -> count >= EmailConfirmationStep.MAX_LINKS_PER_HOUR);
    }

    private static Sent tooMany() {
        return new Sent.Invalid(Map.of("_global", "inscription.email.trop_de_renvois"));
    }

    private static LinkWindows windows(EmailConfirmations.Issued issued) {
        return new LinkWindows(issued.validity(), issued.forgetAfter());
    }

    private static String canonical(@Nullable String raw) {
        try {
            return EmailAddress.parse(raw).canonical();
        } catch (InvalidEmailException e) {
            return "";
        }
    }

    private ResponseCookie cookie(String value, Duration maxAge) {
        return ResponseCookie.from(COOKIE, value).httpOnly(true).secure(idp.secure()).sameSite("Lax").path(PATH)
                .maxAge(maxAge).build();
    }
}
