package fr.ameli.idp.account;

import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Registry;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Choosing a password, wherever it happens (account creation, « Mes informations », a new personal code after a
 * provisional one): every rule of {@link PasswordPolicy} against the person's registry record (no part of the
 * NIR or birth date), then the Argon2id hash (off the event loop). The pages only show the outcome.
 */
@Component
public class PasswordChanges {

    /** What a typed password (and its confirmation) leads to. */
    public sealed interface Verdict {

        /** Every rule holds: the hash to store. */
        record Accepted(String hash) implements Verdict {
        }

        /** Broken rules, in the policy's order, and the strength indicator (computed here so that it works without JavaScript). */
        record Refused(List<PasswordViolation> violations, PasswordStrength strength) implements Verdict {

            public Refused {
                violations = List.copyOf(violations);
            }

            /** One message key per broken rule. */
            public List<String> messageKeys() {
                return violations.stream().map(PasswordViolation::messageKey).toList();
            }

            /** The indicator's level, as the pages name it ({@code faible}, {@code moyen}...). */
            public String strengthName() {
                return strength.name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /** What a change of the logged-in person's own password did. */
    public sealed interface Change {
        record Changed() implements Change {
        }

        /** The current password typed is not the account's. */
        record WrongCurrentPassword() implements Change {
        }

        record Refused(Verdict.Refused verdict) implements Change {
        }
    }

    private final Registry registry;
    private final Accounts accounts;
    private final PasswordHasher hasher;

    PasswordChanges(Registry registry, Accounts accounts, PasswordHasher hasher) {
        this.registry = registry;
        this.accounts = accounts;
        this.hasher = hasher;
    }

    /** The verdict on a new password for {@code person}: hashed when every rule holds. */
    public Mono<Verdict> check(InsuredPerson person, String password, String confirmation) {
        List<PasswordViolation> violations = PasswordPolicy.check(password, confirmation, person.nir(), person.birthDate());
        if (!violations.isEmpty()) {
            return Mono.just(new Verdict.Refused(violations, PasswordPolicy.strength(password)));
        }
        return hasher.hash(password).map(Verdict.Accepted::new);
    }

    /** The verdict on a new password for the person with this NIR; empty when the registry no longer knows them. */
    public Mono<Verdict> check(fr.ameli.idp.registry.Nir nir, String password, String confirmation) {
        return registry.findByNir(nir).flatMap(person -> check(person, password, confirmation));
    }

    /**
     * The logged-in person changes their password: the current one first, then the policy, then the new hash is
     * stored. Empty when the registry no longer knows the person.
     */
    public Mono<Change> change(Account account, String current, String password, String confirmation) {
        return isCurrent(account, current).flatMap(ok -> !ok
                ? Mono.just(new Change.WrongCurrentPassword())
                : check(account.nir(), password, confirmation).flatMap(verdict -> switch (verdict) {
                    case Verdict.Refused refused -> Mono.just(new Change.Refused(refused));
                    case Verdict.Accepted accepted -> store(account.id(), accepted.hash());
                }));
    }

    /** Whether {@code typed} is the account's current password (asked before any change of the account's own settings). */
    public Mono<Boolean> isCurrent(Account account, String typed) {
        return hasher.matches(typed, account.passwordHash());
    }

    private Mono<Change> store(UUID accountId, String hash) {
        return accounts.changePassword(accountId, hash).thenReturn(new Change.Changed());
    }
}
