package fr.ameli.idp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Test people of the registry, built from valid defaults that each test adjusts, then imported through the real
 * CSV import ({@link Registry#importCsv}): the header and the column order come from {@link RegistryCsv#COLUMNS},
 * so no test keeps its own copy of them. Defaults: a man born on 1980-01-01 in Nantes (44109, France), living in
 * 44000, general scheme, NIR certified, active carte Vitale whose serial ends with the NIR's first ten digits and
 * {@code 00}, one IBAN ending in {@code 3024474}: eligible to every enrollment path.
 *
 * <pre>{@code
 * TestInsuredPersons.importInto(registry, eligible("1800144109031", "SAUTEUR"), eligible("1900144109041", "GUICHET").withoutProof());
 * }</pre>
 */
public final class TestInsuredPersons {

    /** The IBAN of every default person: its last seven characters are {@code 3024474}. */
    public static final String IBAN = "FR76 2004 1010 0503 4780 3024 474";

    private TestInsuredPersons() {
    }

    /** A person eligible to enroll with a carte Vitale and an IBAN; {@code nir} has 13 characters (no key). */
    public static Builder eligible(String nir, String birthName) {
        return new Builder(nir, birthName);
    }

    /** The CSV file (header and one row per person) that {@link Registry#importCsv} reads. */
    public static String csv(Builder... people) {
        return String.join(";", RegistryCsv.COLUMNS) + "\n"
                + Arrays.stream(people).map(Builder::row).collect(Collectors.joining());
    }

    /** Imports (or updates) the people; fails the test if the registry refuses any of them. */
    public static void importInto(Registry registry, Builder... people) {
        ImportReport report = registry.importCsv(csv(people)).block(Duration.ofSeconds(30));
        assertThat(report).isNotNull();
        assertThat(report.errors()).as("test people refused by the registry import").isEmpty();
        assertThat(report.applied()).isTrue();
    }

    public static final class Builder {

        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder(String nir, String birthName) {
            set("nir", nir);
            set("birth_name", birthName);
            set("given_names", "Test");
            set("gender", "male");
            set("birth_date", "1980-01-01");
            set("birthplace", "44109");
            set("birthcountry", "99100");
            set("postal_code", "44000");
            set("scheme", "REGIME_GENERAL");
            set("nir_certified", "true");
            set("carte_vitale_serial", "80250099" + nir.replace(" ", "").substring(0, 10) + "00");
            set("carte_vitale_active", "true");
            set("ibans", IBAN);
            set("account_elsewhere", "false");
        }

        private Builder set(String column, String value) {
            if (!RegistryCsv.COLUMNS.contains(column)) {
                throw new IllegalArgumentException("no registry column " + column);
            }
            values.put(column, value);
            return this;
        }

        public Builder usageName(String usageName) {
            return set("usage_name", usageName);
        }

        public Builder givenNames(String givenNames) {
            return set("given_names", givenNames);
        }

        public Builder female() {
            return set("gender", "female");
        }

        /** {@code YYYY-MM-DD} ({@code 00} for a presumed day or month). */
        public Builder birthDate(String birthDate) {
            return set("birth_date", birthDate);
        }

        /** COG code of the birthplace; empty when born abroad. */
        public Builder birthplace(String birthplace) {
            return set("birthplace", birthplace);
        }

        public Builder postalCode(String postalCode) {
            return set("postal_code", postalCode);
        }

        public Builder formerPostalCodes(String... postalCodes) {
            return set("former_postal_codes", String.join("|", postalCodes));
        }

        /** {@code REGIME_GENERAL}, {@code MSA}, {@code CNMSS}… (README, "The registry of insured persons"). */
        public Builder scheme(String scheme) {
            return set("scheme", scheme);
        }

        public Builder nirCertified(boolean certified) {
            return set("nir_certified", String.valueOf(certified));
        }

        /** 11 to 22 digits; {@link #withoutProof()} removes it. */
        public Builder carteVitaleSerial(String serial) {
            return set("carte_vitale_serial", serial);
        }

        public Builder carteVitaleActive(boolean active) {
            return set("carte_vitale_active", String.valueOf(active));
        }

        /** Neither carte Vitale serial nor IBAN: only the provisional-code and federated paths remain. */
        public Builder withoutProof() {
            set("carte_vitale_serial", "");
            return set("ibans", "");
        }

        public Builder ibans(String... ibans) {
            return set("ibans", String.join("|", ibans));
        }

        public Builder email(String email) {
            return set("email", email);
        }

        public Builder accountElsewhere(boolean elsewhere) {
            return set("account_elsewhere", String.valueOf(elsewhere));
        }

        String row() {
            return RegistryCsv.COLUMNS.stream().map(c -> values.getOrDefault(c, "")).collect(Collectors.joining(";")) + "\n";
        }
    }
}
