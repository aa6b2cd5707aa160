package fr.ameli.idp.account;

import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.registry.Nir;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Accounts in PostgreSQL. One account per NIR and per email (case-insensitive), enforced by the schema. */
@Component
public class Accounts {

    static final String COLUMNS = "id, nir, status, password_hash, email, federation_sub, created_at, activated_at";

    private final DatabaseClient db;

    Accounts(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Account> findByNir(Nir nir) {
        return db.sql("select " + COLUMNS + " from account where nir = :nir")
                .bind("nir", nir.value())
                .map(Accounts::account)
                .one();
    }

    /**
     * The account of a NIR as a read that rides in another statement ({@link PasswordTries}: the one that takes a
     * login's slots); null when there is none.
     */
    public RateLimiter.Read<Account> readByNir(Nir nir) {
        return new RateLimiter.Read<>("select " + COLUMNS + " from account where nir = :r_nir", Map.of("r_nir", nir.value()),
                row -> row.get("id") == null ? null : account(row));
    }

    public Mono<Account> findById(UUID id) {
        return db.sql("select " + COLUMNS + " from account where id = :id")
                .bind("id", id)
                .map(Accounts::account)
                .one();
    }

    /** The account linked to this subject of the federated provider (SPEC 3.3), or empty. */
    public Mono<Account> findByFederationSub(String sub) {
        return db.sql("select " + COLUMNS + " from account where federation_sub = :sub")
                .bind("sub", sub)
                .map(Accounts::account)
                .one();
    }

    /**
     * Links an account to a subject of the federated provider, once: emits true when this call set it, false
     * when the account is already linked or the subject belongs to another account (the unique index decides
     * races). The caller must have proved that the account is the person's (never on email alone).
     */
    public Mono<Boolean> linkFederation(UUID accountId, String sub) {
        return db.sql("update account set federation_sub = :sub, version = version + 1 where id = :id "
                        + "and federation_sub is null")
                .bind("id", accountId)
                .bind("sub", sub)
                .fetch().rowsUpdated()
                .map(n -> n > 0)
                .onErrorResume(org.springframework.dao.DataIntegrityViolationException.class, e -> Mono.just(false));
    }

    /**
     * Provisions an account as it is (demo data, migrations from another system); an account that
     * already exists for the NIR is left untouched. Emits true when a row was written.
     */
    public Mono<Boolean> provision(Nir nir, AccountStatus status, @Nullable String email, String passwordHash) {
        DatabaseClient.GenericExecuteSpec insert = db.sql(
                        "insert into account (id, nir, status, password_hash, email, consent_email, activated_at) "
                        + "values (:id, :nir, :status, :hash, :email, false, "
                        + "case when :status = 'ACTIVE' then now() end) on conflict do nothing")
                .bind("id", UUID.randomUUID())
                .bind("nir", nir.value())
                .bind("status", status.name())
                .bind("hash", passwordHash);
        insert = email == null ? insert.bindNull("email", String.class) : insert.bind("email", email);
        return insert.fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** What a new account is created with (SPEC 3.2.5–3.2.6). */
    public record NewAccount(Nir nir, String passwordHash, EmailAddress email, @Nullable FrenchPhoneNumber mobile,
            @Nullable FrenchPhoneNumber landline, boolean consentEmail, boolean consentPhone, boolean consentSms,
            String cguVersion, Instant cguAcceptedAt, @Nullable String federationSub) {
    }

    /** Why a new account could not be created: the schema's uniqueness rules. */
    public enum Conflict { NIR_TAKEN, EMAIL_TAKEN }

    /** Thrown (inside the caller's transaction, which then rolls back) when a uniqueness rule forbids the account. */
    public static final class ConflictException extends RuntimeException {
        private final Conflict conflict;

        ConflictException(Conflict conflict) {
            super(conflict.name(), null, false, false);
            this.conflict = conflict;
        }

        public Conflict conflict() {
            return conflict;
        }
    }

    /**
     * Creates a PENDING account. The unique indexes decide races: of two concurrent creations with the same
     * email (case-insensitive) or NIR, exactly one gets a row; the other gets a {@link ConflictException}.
     */
    public Mono<UUID> createPending(UUID id, NewAccount a) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into account (id, nir, status, password_hash, email, "
                        + "mobile_phone, landline_phone, consent_email, consent_phone, consent_sms, cgu_version, "
                        + "cgu_accepted_at, federation_sub, created_at) values (:id, :nir, 'PENDING', :hash, :email, :mobile, "
                        + ":landline, :consent_email, :consent_phone, :consent_sms, :cgu, :cgu_at, :fed, :cgu_at) "
                        + "on conflict do nothing returning id")
                .bind("id", id)
                .bind("nir", a.nir().value())
                .bind("hash", a.passwordHash())
                .bind("email", a.email().normalized())
                .bind("consent_email", a.consentEmail())
                .bind("consent_phone", a.consentPhone())
                .bind("consent_sms", a.consentSms())
                .bind("cgu", a.cguVersion())
                .bind("cgu_at", a.cguAcceptedAt());
        insert = a.mobile() == null ? insert.bindNull("mobile", String.class) : insert.bind("mobile", a.mobile().e164());
        insert = a.landline() == null ? insert.bindNull("landline", String.class) : insert.bind("landline", a.landline().e164());
        insert = a.federationSub() == null ? insert.bindNull("fed", String.class) : insert.bind("fed", a.federationSub());
        return insert.map(row -> row.get("id", UUID.class)).one()
                .switchIfEmpty(Mono.defer(() -> findByNir(a.nir()).hasElement().flatMap(nirTaken -> Mono.error(
                        new ConflictException(nirTaken ? Conflict.NIR_TAKEN : Conflict.EMAIL_TAKEN)))));
    }

    /** True when no account uses this address (case-insensitive). A hint for forms; the index decides. */
    public Mono<Boolean> emailAvailable(EmailAddress email) {
        return db.sql("select 1 from account where lower(email) = :email")
                .bind("email", email.canonical())
                .map(row -> 1).first().hasElement().map(taken -> !taken);
    }

    /** PENDING → ACTIVE, once. Emits true when this call activated it. */
    public Mono<Boolean> activate(UUID id, Instant at) {
        return db.sql("update account set status = 'ACTIVE', activated_at = :at where id = :id and status = 'PENDING'")
                .bind("id", id)
                .bind("at", at)
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    /** Phones and consents of an account (SPEC 3.2.6), for « Mes informations ». */
    public record ContactDetails(@Nullable String mobile, @Nullable String landline, boolean consentEmail,
            boolean consentPhone, boolean consentSms) {

        @Override
        public String toString() {
            return "ContactDetails[consents=" + consentEmail + "/" + consentPhone + "/" + consentSms + "]";
        }
    }

    public Mono<ContactDetails> contactDetails(UUID id) {
        return db.sql("select mobile_phone, landline_phone, consent_email, consent_phone, consent_sms from account where id = :id")
                .bind("id", id)
                .map(row -> new ContactDetails(row.get("mobile_phone", String.class), row.get("landline_phone", String.class),
                        Boolean.TRUE.equals(row.get("consent_email", Boolean.class)),
                        Boolean.TRUE.equals(row.get("consent_phone", Boolean.class)),
                        Boolean.TRUE.equals(row.get("consent_sms", Boolean.class))))
                .one();
    }

    public Mono<Void> updatePhones(UUID id, @Nullable FrenchPhoneNumber mobile, @Nullable FrenchPhoneNumber landline) {
        DatabaseClient.GenericExecuteSpec update = db.sql("update account set mobile_phone = :mobile, "
                + "landline_phone = :landline, version = version + 1 where id = :id").bind("id", id);
        update = mobile == null ? update.bindNull("mobile", String.class) : update.bind("mobile", mobile.e164());
        update = landline == null ? update.bindNull("landline", String.class) : update.bind("landline", landline.e164());
        return update.then();
    }

    public Mono<Void> updateConsents(UUID id, boolean email, boolean phone, boolean sms) {
        return db.sql("update account set consent_email = :email, consent_phone = :phone, consent_sms = :sms, "
                        + "version = version + 1 where id = :id")
                .bind("id", id).bind("email", email).bind("phone", phone).bind("sms", sms)
                .then();
    }

    /** Replaces the password hash (a new personal code, SPEC 3.5–3.6): from now on only the new one works. */
    public Mono<Boolean> changePassword(UUID id, String passwordHash) {
        return db.sql("update account set password_hash = :hash, version = version + 1 where id = :id")
                .bind("id", id).bind("hash", passwordHash)
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    /**
     * Stores a stronger hash of the same password (Argon2 parameters raised), only if the hash is still the one
     * that was verified: a password changed meanwhile is never overwritten. Emits true when it did.
     */
    public Mono<Boolean> rehashPassword(UUID id, String verifiedHash, String strongerHash) {
        return db.sql("update account set password_hash = :hash where id = :id and password_hash = :verified")
                .bind("id", id).bind("hash", strongerHash).bind("verified", verifiedHash)
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    /**
     * Sets the account's address (a confirmed change, or a new address for a PENDING account); the unique
     * index decides races: an address another account uses gives a {@link ConflictException} EMAIL_TAKEN.
     */
    public Mono<Void> changeEmail(UUID id, EmailAddress email) {
        return db.sql("update account set email = :email, version = version + 1 where id = :id")
                .bind("id", id).bind("email", email.normalized())
                .then()
                .onErrorMap(org.springframework.dao.DataIntegrityViolationException.class,
                        e -> new ConflictException(Conflict.EMAIL_TAKEN));
    }

    /** Forgets the unconfirmed address of a PENDING account (seed 001: after 21 days). Emits true when it did. */
    public Mono<Boolean> forgetPendingEmail(UUID id) {
        return db.sql("update account set email = null, version = version + 1 where id = :id and status = 'PENDING' "
                        + "and email is not null")
                .bind("id", id)
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    static Account account(Readable row) {
        OffsetDateTime activated = row.get("activated_at", OffsetDateTime.class);
        return new Account(
                row.get("id", UUID.class),
                Nir.parse(row.get("nir", String.class)),
                AccountStatus.valueOf(row.get("status", String.class)),
                row.get("password_hash", String.class),
                row.get("email", String.class),
                row.get("federation_sub", String.class),
                row.get("created_at", OffsetDateTime.class).toInstant(),
                activated == null ? null : activated.toInstant());
    }
}
