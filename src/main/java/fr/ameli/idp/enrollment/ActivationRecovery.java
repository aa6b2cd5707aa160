package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.ContactForm;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.EmailConfirmations;
import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * « Validation de mon email » after the link died (seed 001). A person whose PENDING account's link is dead —
 * who followed it, or logged in with the account's password — may have a new one sent: to the same address or
 * to another one while the address is kept, to a new address once it is forgotten. The browser that proved it
 * may do so gets a short-lived handle (an HttpOnly cookie set by {@link ActivationRecoveryRoutes}, hashed in
 * {@code activation_recovery}).
 *
 * <p>Addresses are forgotten when their time comes ({@link LinkWindows#forgetAfter}): at once when the person
 * comes back, and by {@link ForgetUnconfirmedAddresses} on every instance.
 */
@Component
public class ActivationRecovery {

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

    private final ActivationRecoveryStore store;
    private final Accounts accounts;
    private final EmailConfirmations confirmations;
    private final AccountActivation activation;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final EnrollmentProperties properties;

    ActivationRecovery(ActivationRecoveryStore store, Accounts accounts, EmailConfirmations confirmations,
            AccountActivation activation, TransactionalOperator tx, Clock clock, EnrollmentProperties properties) {
        this.store = store;
        this.accounts = accounts;
        this.confirmations = confirmations;
        this.activation = activation;
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
    }

    /** The phase of the newest activation link of an account; empty when it has none. */
    public Mono<LinkWindows.Phase> phase(UUID accountId) {
        return confirmations.latest(accountId, EmailConfirmations.Purpose.ACTIVATION)
                .map(issued -> windows(issued).phase(issued.createdAt(), clock.instant()));
    }

    /**
     * Lets one browser ask for a new link of a PENDING account: emits the handle for its cookie
     * ({@link ActivationRecoveryRoutes#cookie}), or empty when the account is not PENDING.
     */
    public Mono<String> open(UUID accountId) {
        return accounts.findById(accountId)
                .filter(account -> account.status() == AccountStatus.PENDING)
                .flatMap(account -> {
                    String handle = Secrets.newHandle();
                    Instant now = clock.instant();
                    return store.open(Secrets.sha256(handle), accountId, now, now.plus(properties.recoveryTtl()))
                            .thenReturn(handle);
                });
    }

    /** The state behind a browser's handle; forgets the address first if its time has come. */
    Mono<State> state(@Nullable String handle) {
        return account(handle).flatMap(account -> confirmations.latest(account.id(), EmailConfirmations.Purpose.ACTIVATION)
                .map(issued -> new State(account, windows(issued).phase(issued.createdAt(), clock.instant()), windows(issued)))
                .defaultIfEmpty(new State(account, LinkWindows.Phase.EXPIRED, activation.windows(Enrollment.Path.CARTE_VITALE)))
                .flatMap(state -> state.phase() == LinkWindows.Phase.FORGOTTEN && account.email() != null
                        ? accounts.forgetPendingEmail(account.id())
                                .then(accounts.findById(account.id()))
                                .map(reloaded -> new State(reloaded, state.phase(), state.windows()))
                        : Mono.just(state)));
    }

    /** A new link to the address on file (not once it is forgotten). */
    Mono<Sent> resendSame(@Nullable String handle) {
        return state(handle).flatMap(state -> {
            String email = state.account().email();
            if (email == null || state.phase() == LinkWindows.Phase.FORGOTTEN) {
                return Mono.<Sent>just(new Sent.Invalid(Map.of("email", "inscription.email.obligatoire")));
            }
            return activation.tooManyLinks(state.account().id()).flatMap(tooMany -> tooMany ? Mono.just(tooMany())
                    : activation.sendLink(state.account().id(), email, state.windows()).as(tx::transactional)
                            .thenReturn(new Sent.Done(EmailAddress.parse(email).masked())));
        }).defaultIfEmpty(new Sent.Gone());
    }

    /** A new address (typed twice, unused by other accounts) replaces the one on file, and gets a new link. */
    Mono<Sent> sendToOther(@Nullable String handle, @Nullable String typed, @Nullable String confirmation) {
        Map<String, String> errors = new LinkedHashMap<>();
        EmailAddress email = ContactForm.email(typed, confirmation, errors);
        if (!errors.isEmpty() || email == null) {
            return Mono.just(new Sent.Invalid(errors));
        }
        return state(handle).flatMap(state -> activation.tooManyLinks(state.account().id())
                .flatMap(tooMany -> tooMany ? Mono.just(tooMany())
                        : accounts.changeEmail(state.account().id(), email)
                                .then(activation.sendLink(state.account().id(), email.normalized(), state.windows()))
                                .as(tx::transactional)
                                .<Sent>thenReturn(new Sent.Done(email.masked()))
                                .onErrorResume(Accounts.ConflictException.class,
                                        e -> Mono.just(new Sent.Invalid(Map.of("email", "inscription.email.deja_utilise"))))))
                .defaultIfEmpty(new Sent.Gone());
    }

    private Mono<Account> account(@Nullable String handle) {
        if (handle == null || handle.isBlank()) {
            return Mono.empty();
        }
        return store.account(Secrets.sha256(handle), clock.instant())
                .flatMap(accounts::findById)
                .filter(account -> account.status() == AccountStatus.PENDING);
    }

    private static Sent tooMany() {
        return new Sent.Invalid(Map.of("_global", "inscription.email.trop_de_renvois"));
    }

    private static LinkWindows windows(EmailConfirmations.Issued issued) {
        return new LinkWindows(issued.validity(), issued.forgetAfter());
    }
}
