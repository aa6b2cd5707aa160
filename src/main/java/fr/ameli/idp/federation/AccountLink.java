package fr.ameli.idp.federation;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.account.PasswordTries;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.session.LoginSessions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * « Confirmez votre compte ameli »: the provider vouched for a person who already has an account that is not
 * linked. Never linked on the identity alone, nor on the email (STYLE §4, Keycloak's confirm-link): the
 * account's password must be typed once (Argon2 on the hashing scheduler, outside any transaction); then, in
 * one transaction, the pending link is consumed, the account gets the provider's {@code sub} and a session
 * opens. Wrong passwords are counted on the row (past its limit the link dies) and in the login's budget per NIR
 * and per client address ({@link PasswordTries}): a link is no way around the login form's limits.
 */
@Component
class AccountLink {

    /** What the page shows: the NIR of the matched account, partly hidden. */
    record Pending(String maskedNir, FederationRequests.Purpose purpose, @Nullable String pendingAuthorizationId) {
    }

    sealed interface Outcome {
        record SignedIn(LoginSessions.NewSession opened, @Nullable String pendingAuthorizationId) implements Outcome {
        }

        record WrongPassword(Pending pending, int attemptsLeft) implements Outcome {
        }

        record Refused(String motif, FederationRequests.Purpose purpose, @Nullable String pendingAuthorizationId)
                implements Outcome {
        }

        /** Too many wrong passwords for the account's NIR, or from this client address: nothing was checked. */
        record Limited(Pending pending, Duration retryAfter) implements Outcome {
        }
    }

    private final FederationRequests requests;
    private final Accounts accounts;
    private final PasswordHasher hasher;
    private final PasswordTries tries;
    private final LoginSessions sessions;
    private final TransactionalOperator tx;
    private final FederationSettings settings;
    private final Clock clock;

    AccountLink(FederationRequests requests, Accounts accounts, PasswordHasher hasher, PasswordTries tries,
            LoginSessions sessions, TransactionalOperator tx, FederationSettings settings, Clock clock) {
        this.requests = requests;
        this.accounts = accounts;
        this.hasher = hasher;
        this.tries = tries;
        this.sessions = sessions;
        this.tx = tx;
        this.settings = settings;
        this.clock = clock;
    }

    /** The live link behind the cookie, or empty. */
    Mono<Pending> pending(String handle) {
        return requests.findLink(Secrets.sha256(handle), maxAttempts(), clock.instant())
                .flatMap(link -> accounts.findById(link.accountId())
                        .map(account -> new Pending(masked(account.nir()), link.purpose(), link.pendingAuthorizationId())));
    }

    /**
     * Checks the password typed from {@code clientAddress}, within the login's budget of wrong passwords (per NIR and
     * per client address, {@link PasswordTries}); empty when the link is no longer live (expired, used, out of
     * attempts). A try refused by those limits is not checked and uses up none of the link's own attempts.
     */
    Mono<Outcome> confirm(String handle, String password, String clientAddress) {
        byte[] id = Secrets.sha256(handle);
        return requests.findLink(id, maxAttempts(), clock.instant()).flatMap(link -> accounts.findById(link.accountId())
                .flatMap(account -> tries.attempt(account.nir(), clientAddress,
                                () -> hasher.matches(password, account.passwordHash()), ok -> !ok)
                        .flatMap(tried -> switch (tried) {
                            case PasswordTries.Tried.Checked<Boolean> checked -> checked.result()
                                    ? link(id, account, link) : wrong(id, account, link);
                            case PasswordTries.Tried.Refused<Boolean> refused -> Mono.<Outcome>just(new Outcome.Limited(
                                    new Pending(masked(account.nir()), link.purpose(), link.pendingAuthorizationId()),
                                    refused.retryAfter()));
                        })));
    }

    private Mono<Outcome> link(byte[] id, Account account, FederationRequests.Link link) {
        if (account.status() != AccountStatus.ACTIVE) {
            return Mono.just(new Outcome.Refused(account.status() == AccountStatus.PENDING ? "account_pending"
                    : "account_locked", link.purpose(), link.pendingAuthorizationId()));
        }
        return requests.consumeLink(id, maxAttempts(), clock.instant())
                .flatMap(used -> accounts.linkFederation(account.id(), used.sub())
                        .flatMap(linked -> linked
                                ? sessions.open(account.id(), List.of(FederationLogin.AMR_FEDERATED, "pwd"),
                                        FederationLogin.SESSION_ACR, used.idToken())
                                : Mono.<LoginSessions.NewSession>error(new AlreadyLinked())))
                .as(tx::transactional)
                .<Outcome>map(opened -> new Outcome.SignedIn(opened, link.pendingAuthorizationId()))
                .onErrorResume(AlreadyLinked.class, e -> Mono.just(
                        new Outcome.Refused("linked_elsewhere", link.purpose(), link.pendingAuthorizationId())));
    }

    private Mono<Outcome> wrong(byte[] id, Account account, FederationRequests.Link link) {
        return requests.failedAttempt(id, clock.instant()).map(attempts -> attempts >= maxAttempts()
                ? new Outcome.Refused("too_many_attempts", link.purpose(), link.pendingAuthorizationId())
                : new Outcome.WrongPassword(new Pending(masked(account.nir()), link.purpose(),
                        link.pendingAuthorizationId()), maxAttempts() - attempts));
    }

    private int maxAttempts() {
        return settings.properties().linkPasswordAttempts();
    }

    /** {@code 2 85 ** ** *** *** 96}: enough for the person to recognise their number, not to learn it. */
    static String masked(Nir nir) {
        String formatted = nir.formatted();
        return formatted.substring(0, 4) + " ** ** *** *** " + nir.key();
    }

    /** The account got linked to a subject meanwhile, or the subject to another account. */
    private static final class AlreadyLinked extends RuntimeException {
        AlreadyLinked() {
            super("already linked", null, false, false);
        }
    }
}
