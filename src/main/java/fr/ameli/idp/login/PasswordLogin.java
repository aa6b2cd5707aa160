package fr.ameli.idp.login;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * NIR + « code personnel (ou provisoire à 4 chiffres) » (seeds 001, 003). The answer to a wrong NIR and to a wrong
 * password is the same, and costs the same time (a decoy hash is checked when there is no account), so that the
 * form does not reveal who has an account. Only an account whose password matched learns that it is pending or
 * locked.
 *
 * <p>An entry of 4 or 8 digits is first compared with the person's live provisional code, if there is one (a
 * password can never be all digits, SPEC 3.2.5): a right code leads a person without an account to the
 * provisional-code enrollment, and an account holder to the forced choice of a new personal code. The code is
 * not consumed here: the caller does it once, atomically. The password keeps working until a new one is set.
 */
@Component
class PasswordLogin {

    enum Outcome {
        OK, INVALID, PENDING, LOCKED,
        /** A right provisional code, and no account: the provisional-code enrollment. */
        CODE_WITHOUT_ACCOUNT,
        /** A right provisional code of an ACTIVE account: a new personal code must be chosen first. */
        CODE_OF_ACCOUNT
    }

    record Result(Outcome outcome, @Nullable Account account, @Nullable Nir nir, @Nullable UUID codeId) {
        static Result invalid() {
            return new Result(Outcome.INVALID, null, null, null);
        }
    }

    private final Accounts accounts;
    private final PasswordHasher hasher;
    private final ProvisionalCodes codes;

    PasswordLogin(Accounts accounts, PasswordHasher hasher, ProvisionalCodes codes) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.codes = codes;
    }

    Mono<Result> check(String nirInput, String password) {
        Nir nir;
        try {
            nir = Nir.parse(nirInput);
        } catch (InvalidNirException e) {
            return hasher.matches(password, null).thenReturn(Result.invalid());
        }
        if (!ProvisionalCodes.looksLikeCode(password)) {
            return passwordCheck(nir, password);
        }
        return codes.verify(nir, password).flatMap(v -> switch (v.outcome()) {
            case NONE -> passwordCheck(nir, password);
            case WRONG -> Mono.just(Result.invalid());
            case MATCHED -> accounts.findByNir(nir)
                    .map(account -> new Result(switch (account.status()) {
                        case ACTIVE -> Outcome.CODE_OF_ACCOUNT;
                        case PENDING -> Outcome.PENDING;
                        case LOCKED -> Outcome.LOCKED;
                    }, account, nir, v.codeId()))
                    .defaultIfEmpty(new Result(Outcome.CODE_WITHOUT_ACCOUNT, null, nir, v.codeId()));
        });
    }

    private Mono<Result> passwordCheck(Nir nir, String password) {
        return accounts.findByNir(nir)
                .flatMap(account -> hasher.matches(password, account.passwordHash())
                        .map(ok -> new Result(!ok ? Outcome.INVALID
                                : account.status() == AccountStatus.ACTIVE ? Outcome.OK
                                : account.status() == AccountStatus.PENDING ? Outcome.PENDING : Outcome.LOCKED,
                                account, nir, null)))
                .switchIfEmpty(Mono.defer(() -> hasher.matches(password, null).thenReturn(Result.invalid())));
    }
}
