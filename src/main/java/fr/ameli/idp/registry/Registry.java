package fr.ameli.idp.registry;

import fr.ameli.idp.platform.Sql;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The registry of insured persons in PostgreSQL: look-ups for enrollment and federation, and the
 * all-or-nothing CSV import. Re-importing a file changes only the rows whose values differ.
 */
@Component
public class Registry {

    private static final String COLUMNS = "nir, nir_key, birth_name, usage_name, given_names, gender, birth_date, "
            + "birthplace, birthcountry, postal_code, former_postal_codes, scheme, nir_certified, carte_vitale_serial, "
            + "carte_vitale_active, ibans, email, account_elsewhere";

    private static final String UPSERT = "insert into insured_person (" + COLUMNS
            + ", birth_name_key, usage_name_key, given_names_key) values (:nir, :nir_key, :birth_name, :usage_name, "
            + ":given_names, :gender, :birth_date, :birthplace, :birthcountry, :postal_code, :former_postal_codes, "
            + ":scheme, :nir_certified, :carte_vitale_serial, :carte_vitale_active, :ibans, :email, :account_elsewhere, "
            + ":birth_name_key, :usage_name_key, :given_names_key) "
            + "on conflict (nir) do update set nir_key = excluded.nir_key, birth_name = excluded.birth_name, "
            + "usage_name = excluded.usage_name, given_names = excluded.given_names, gender = excluded.gender, "
            + "birth_date = excluded.birth_date, birthplace = excluded.birthplace, birthcountry = excluded.birthcountry, "
            + "postal_code = excluded.postal_code, former_postal_codes = excluded.former_postal_codes, "
            + "scheme = excluded.scheme, nir_certified = excluded.nir_certified, "
            + "carte_vitale_serial = excluded.carte_vitale_serial, carte_vitale_active = excluded.carte_vitale_active, "
            + "ibans = excluded.ibans, email = excluded.email, account_elsewhere = excluded.account_elsewhere, "
            + "birth_name_key = excluded.birth_name_key, usage_name_key = excluded.usage_name_key, "
            + "given_names_key = excluded.given_names_key, imported_at = now() "
            + "where (insured_person." + COLUMNS.replace(", ", ", insured_person.") + ") is distinct from (excluded."
            + COLUMNS.replace(", ", ", excluded.") + ") "
            + "returning (xmax = 0) as inserted";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    Registry(DatabaseClient db, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
    }

    public Mono<InsuredPerson> findByNir(Nir nir) {
        return db.sql("select " + COLUMNS + " from insured_person where nir = :nir")
                .bind("nir", nir.value())
                .map(Registry::person)
                .one();
    }

    /** Candidates for an identity pivot: same normalised birth name, birth date and gender. */
    public Flux<InsuredPerson> findByPivot(String familyName, BirthDate birthDate, Gender gender) {
        return db.sql("select " + COLUMNS + " from insured_person where birth_name_key = :name "
                        + "and birth_date = :birth_date and gender = :gender")
                .bind("name", NameNormalizer.normalize(familyName))
                .bind("birth_date", birthDate.iso())
                .bind("gender", gender.claim())
                .map(Registry::person)
                .all();
    }

    /** Validates the whole file first; writes all of it in one transaction, or nothing. */
    public Mono<ImportReport> importCsv(String content) {
        return Mono.defer(() -> {
            RegistryCsv.Parsed parsed = RegistryCsv.parse(content, LocalDate.now(clock));
            if (!parsed.valid()) {
                return Mono.just(ImportReport.rejected(parsed.errors()));
            }
            List<InsuredPerson> persons = parsed.persons();
            return Flux.fromIterable(persons)
                    .concatMap(this::upsert)
                    .collectList()
                    .as(tx::transactional)
                    .map(results -> {
                        int inserted = (int) results.stream().filter(Boolean::booleanValue).count();
                        int updated = results.size() - inserted;
                        return new ImportReport(persons.size(), inserted, updated, persons.size() - results.size(), List.of());
                    });
        });
    }

    private Flux<Boolean> upsert(InsuredPerson p) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(UPSERT)
                .bind("nir", p.nir().value())
                .bind("nir_key", p.nir().key())
                .bind("birth_name", p.birthName())
                .bind("given_names", p.givenNames())
                .bind("gender", p.gender().claim())
                .bind("birth_date", p.birthDate().iso())
                .bind("birthcountry", p.birthcountry())
                .bind("postal_code", p.postalCode())
                .bind("former_postal_codes", p.formerPostalCodes().toArray(String[]::new))
                .bind("scheme", p.scheme().name())
                .bind("nir_certified", p.nirCertified())
                .bind("carte_vitale_active", p.carteVitaleActive())
                .bind("ibans", p.ibans().stream().map(FrenchIban::value).toArray(String[]::new))
                .bind("account_elsewhere", p.accountElsewhere())
                .bind("birth_name_key", NameNormalizer.normalize(p.birthName()))
                .bind("given_names_key", NameNormalizer.normalize(p.givenNames()));
        spec = Sql.bind(spec, "usage_name", p.usageName());
        spec = Sql.bind(spec, "usage_name_key", p.usageName() == null ? null : NameNormalizer.normalize(p.usageName()));
        spec = Sql.bind(spec, "birthplace", p.birthplace());
        spec = Sql.bind(spec, "carte_vitale_serial", p.carteVitaleSerial());
        spec = Sql.bind(spec, "email", p.email());
        return spec.map(row -> Boolean.TRUE.equals(row.get("inserted", Boolean.class))).all();
    }


    /** The columns {@link #pivotIdentity} reads, for queries of other capabilities that join the registry. */
    public static final String PIVOT_COLUMNS = "p.nir, p.birth_name, p.usage_name, p.given_names, p.gender, "
            + "p.birth_date, p.birthplace, p.birthcountry";

    /** Reads the identity pivot of a person from a row holding {@link #PIVOT_COLUMNS}. */
    public static PivotIdentity pivotIdentity(Readable row) {
        return new PivotIdentity(
                Nir.parse(row.get("nir", String.class)),
                row.get("birth_name", String.class),
                row.get("usage_name", String.class),
                row.get("given_names", String.class),
                Gender.fromClaim(row.get("gender", String.class)),
                BirthDate.parseIso(row.get("birth_date", String.class), LocalDate.MAX),
                row.get("birthplace", String.class),
                row.get("birthcountry", String.class));
    }

    /** Reads an insured person from a row holding {@link #COLUMNS}. */
    private static InsuredPerson person(Readable row) {
        PivotIdentity id = pivotIdentity(row);
        return new InsuredPerson(id.nir(), id.birthName(), id.usageName(), id.givenNames(), id.gender(), id.birthDate(),
                id.birthplace(), id.birthcountry(),
                row.get("postal_code", String.class),
                Arrays.asList(row.get("former_postal_codes", String[].class)),
                Scheme.valueOf(row.get("scheme", String.class)),
                Boolean.TRUE.equals(row.get("nir_certified", Boolean.class)),
                row.get("carte_vitale_serial", String.class),
                Boolean.TRUE.equals(row.get("carte_vitale_active", Boolean.class)),
                Arrays.stream(row.get("ibans", String[].class)).map(FrenchIban::parse).toList(),
                row.get("email", String.class),
                Boolean.TRUE.equals(row.get("account_elsewhere", Boolean.class)));
    }
}
