package fr.ameli.idp.login;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * NIR + password check. The answer to a wrong NIR and to a wrong password is the same, and costs the same
 * time (a decoy hash is checked when there is no account), so that the form does not reveal who has an
 * account. Only an account whose password matched learns that it is pending or locked.
 */
@Component
class PasswordLogin {

    enum Outcome { OK, INVALID, PENDING, LOCKED }

    record Result(Outcome outcome, Account account) {
    }

    private final Accounts accounts;
    private final PasswordHasher hasher;

    PasswordLogin(Accounts accounts, PasswordHasher hasher) {
        this.accounts = accounts;
        this.hasher = hasher;
    }

    Mono<Result> check(String nirInput, String password) {
        Nir nir;
        try {
            nir = Nir.parse(nirInput);
        } catch (InvalidNirException e) {
            return hasher.matches(password, null).thenReturn(new Result(Outcome.INVALID, null));
        }
        return accounts.findByNir(nir)
                .flatMap(account -> hasher.matches(password, account.passwordHash())
                        .map(ok -> new Result(!ok ? Outcome.INVALID
                                : account.status() == AccountStatus.ACTIVE ? Outcome.OK
                                : account.status() == AccountStatus.PENDING ? Outcome.PENDING : Outcome.LOCKED, account)))
                .switchIfEmpty(Mono.defer(() -> hasher.matches(password, null).thenReturn(new Result(Outcome.INVALID, null))));
    }
}
