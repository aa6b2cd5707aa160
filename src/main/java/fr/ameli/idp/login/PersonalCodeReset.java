package fr.ameli.idp.login;

import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordChanges;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.registry.Registry;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The new personal code chosen after logging in with a provisional code (seed 003, steps 6–8), for the page
 * ({@link NewCodeRoutes}) and the app ({@link ProvisionalCodeApiRoutes}) alike: the rules of SPEC 3.2.5, then the
 * reset marked done and the password changed in one transaction. Empty when the reset is over (done elsewhere
 * meanwhile) or the account is no longer ACTIVE.
 */
@Component
class PersonalCodeReset {

    sealed interface Result {
        /** The code breaks rules: their message keys, and the strength shown next to the field. */
        record Refused(List<String> violations, String strength) implements Result {
        }

        /** The new code is set; the old one no longer works. */
        record Changed(UUID accountId) implements Result {
        }
    }

    private final Registry registry;
    private final Accounts accounts;
    private final PasswordChanges passwords;
    private final ProvisionalCodes codes;
    private final TransactionalOperator tx;

    PersonalCodeReset(Registry registry, Accounts accounts, PasswordChanges passwords, ProvisionalCodes codes,
            TransactionalOperator tx) {
        this.registry = registry;
        this.accounts = accounts;
        this.passwords = passwords;
        this.codes = codes;
        this.tx = tx;
    }

    Mono<Result> choose(ProvisionalCodes.Reset reset, String password, String confirmation) {
        return registry.findByNir(reset.nir()).zipWith(accounts.findByNir(reset.nir()))
                .filter(found -> found.getT2().status() == AccountStatus.ACTIVE)
                .flatMap(found -> passwords.check(found.getT1(), password, confirmation).flatMap(verdict -> switch (verdict) {
                    case PasswordChanges.Verdict.Refused refused ->
                            Mono.<Result>just(new Result.Refused(refused.messageKeys(), refused.strengthName()));
                    case PasswordChanges.Verdict.Accepted accepted -> codes.finishReset(reset.codeId())
                            .filter(Boolean::booleanValue)
                            .flatMap(done -> accounts.changePassword(found.getT2().id(), accepted.hash()))
                            .as(tx::transactional)
                            .<Result>map(changed -> new Result.Changed(found.getT2().id()));
                }));
    }
}
