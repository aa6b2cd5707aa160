package fr.ameli.idp.account;

import fr.ameli.idp.registry.Nir;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
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

    public Mono<Account> findById(UUID id) {
        return db.sql("select " + COLUMNS + " from account where id = :id")
                .bind("id", id)
                .map(Accounts::account)
                .one();
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
