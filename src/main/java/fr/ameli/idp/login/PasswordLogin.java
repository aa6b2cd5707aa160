package fr.ameli.idp.login;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.account.PasswordTries;
import fr.ameli.idp.platform.Sql;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.registry.Nir;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>Limits (README « Security »): the shared budget of wrong passwords ({@link PasswordTries}), a slot per NIR and
 * per client address taken <em>before</em> any hash is computed, in one atomic statement shared by every instance,
 * so a parallel burst gets no more tries than a sequence; a try that succeeds gives its slots back, so only
 * failures count (where the session opens at once, in the statement that opens it: {@link Result#giveBack}). The
 * NIR is counted in its canonical form ({@link Nir#value()}: with or without key, spaces of any kind), every
 * unparsable entry in one bucket.
 */
@Component
class PasswordLogin {

    enum Outcome {
        OK, INVALID, PENDING, LOCKED,
        /** Too many failures for this NIR: refused without a check. */
        LIMITED_NIR,
        /** Too many failures from this client address: refused without a check. */
        LIMITED_ADDRESS,
        /** A right provisional code, and no account: the provisional-code enrollment. */
        CODE_WITHOUT_ACCOUNT,
        /** A right provisional code of an ACTIVE account: a new personal code must be chosen first. */
        CODE_OF_ACCOUNT
    }

    /**
     * {@code retryAfter}: how long a refused try ({@code LIMITED_*}) waits; zero otherwise. {@code knownDevice}: for
     * {@code OK}, whether the browser passed a code for the account ({@link SecurityCodes#deviceCheck}).
     * {@code giveBack}: for {@code OK} on a known browser, the give-back of the try's slots, owed by the caller in
     * the statement that opens the session ({@link LoginSessions.NewSession#riding}); none otherwise (given back
     * already, a wrong try, or a try refused by a limit).
     */
    record Result(Outcome outcome, @Nullable Account account, @Nullable Nir nir, @Nullable UUID codeId, Duration retryAfter,
            boolean knownDevice, Sql.Rider giveBack) {
        Result(Outcome outcome, @Nullable Account account, @Nullable Nir nir, @Nullable UUID codeId) {
            this(outcome, account, nir, codeId, Duration.ZERO, false, Sql.Rider.NONE);
        }

        /** Whether the session opens at once, so that the try's slots can go back in its statement. */
        boolean opensSession() {
            return outcome == Outcome.OK && knownDevice;
        }

        Result owing(Sql.Rider giveBack) {
            return giveBack.isEmpty() ? this : new Result(outcome, account, nir, codeId, retryAfter, knownDevice, giveBack);
        }

        static Result invalid() {
            return new Result(Outcome.INVALID, null, null, null);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PasswordLogin.class);

    private final Accounts accounts;
    private final PasswordHasher hasher;
    private final ProvisionalCodes codes;
    private final PasswordTries tries;

    PasswordLogin(Accounts accounts, PasswordHasher hasher, ProvisionalCodes codes, PasswordTries tries) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.codes = codes;
        this.tries = tries;
    }

    /**
     * Checks a login try from {@code clientAddress} (see {@link fr.ameli.idp.web.ClientAddress}), within the limits;
     * no browser is asked about (a right password is {@code OK} with {@code knownDevice} false).
     */
    Mono<Result> check(String nirInput, String password, String clientAddress) {
        return check(nirInput, password, clientAddress, SecurityCodes.DeviceCheck.decided(false));
    }

    /** The same, with the browser's check ({@code device}) read with the account. */
    Mono<Result> check(String nirInput, String password, String clientAddress, SecurityCodes.DeviceCheck device) {
        Nir nir = parsed(nirInput);
        Predicate<Result> wrong = result -> result.outcome() == Outcome.INVALID;
        // The account, and whether the browser is known, are read in the statement that takes the try's slots: two
        // round trips less per login.
        Mono<PasswordTries.Tried<Result>> tried = nir == null
                ? tries.attempt(null, clientAddress, () -> hasher.matches(password, null).thenReturn(Result.invalid()), wrong)
                : tries.attempt(nir, clientAddress, read(nir, device), found -> check(nir, password, found), wrong,
                        Result::opensSession);
        return tried.map(outcome -> switch (outcome) {
            case PasswordTries.Tried.Checked<Result> checked -> checked.result().owing(checked.giveBack());
            case PasswordTries.Tried.Refused<Result> refused -> new Result(
                    refused.bucket().equals(PasswordTries.PER_NIR) ? Outcome.LIMITED_NIR : Outcome.LIMITED_ADDRESS,
                    null, null, null, refused.retryAfter(), false, Sql.Rider.NONE);
        });
    }

    /** The NIR's account and whether the login's browser is known for it. */
    private record Found(Account account, boolean knownDevice) {
    }

    private RateLimiter.Read<Found> read(Nir nir, SecurityCodes.DeviceCheck device) {
        return accounts.readByNir(nir).with(device.column(), device.parameters(), (found, row) -> found == null ? null
                : new Found(found, Boolean.TRUE.equals(row.get("known_device", Boolean.class))));
    }

    private static @Nullable Nir parsed(String nirInput) {
        try {
            return Nir.parse(nirInput);
        } catch (InvalidNirException e) {
            return null;
        }
    }

    /** {@code found}: the NIR's account, null when it has none. */
    private Mono<Result> check(Nir nir, String password, @Nullable Found found) {
        Account account = found == null ? null : found.account();
        if (!ProvisionalCodes.looksLikeCode(password)) {
            return passwordCheck(nir, password, found);
        }
        return codes.verify(nir, password).flatMap(v -> switch (v.outcome()) {
            // A closed path (too many wrong codes for this NIR) answers as if there were no code: nothing tells.
            case NONE, CLOSED -> passwordCheck(nir, password, found);
            case WRONG -> Mono.just(Result.invalid());
            case MATCHED -> Mono.just(account == null ? new Result(Outcome.CODE_WITHOUT_ACCOUNT, null, nir, v.codeId())
                    : new Result(switch (account.status()) {
                        case ACTIVE -> Outcome.CODE_OF_ACCOUNT;
                        case PENDING -> Outcome.PENDING;
                        case LOCKED -> Outcome.LOCKED;
                    }, account, nir, v.codeId()));
        });
    }

    private Mono<Result> passwordCheck(Nir nir, String password, @Nullable Found found) {
        if (found == null) {
            return hasher.matches(password, null).thenReturn(Result.invalid());
        }
        Account account = found.account();
        return hasher.matches(password, account.passwordHash())
                .flatMap(ok -> (ok ? rehashIfWeaker(account, password) : Mono.<Void>empty())
                        .thenReturn(new Result(!ok ? Outcome.INVALID
                                : account.status() == AccountStatus.ACTIVE ? Outcome.OK
                                : account.status() == AccountStatus.PENDING ? Outcome.PENDING : Outcome.LOCKED,
                                account, nir, null, Duration.ZERO, ok && found.knownDevice(), Sql.Rider.NONE)));
    }

    /** A right password whose stored hash has weaker Argon2 parameters than today's is hashed again and stored. */
    private Mono<Void> rehashIfWeaker(Account account, String password) {
        if (!hasher.needsRehash(account.passwordHash())) {
            return Mono.empty();
        }
        return hasher.hash(password)
                .flatMap(stronger -> accounts.rehashPassword(account.id(), account.passwordHash(), stronger))
                .doOnNext(done -> log.info("Password hash of an account upgraded to the current Argon2 parameters: {}", done))
                .then();
    }
}
