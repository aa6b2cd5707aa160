package fr.ameli.idp.registry;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the registry CSV: UTF-8, {@code ;}-separated, a header line naming the columns (in any order),
 * several values in one field separated by {@code |}. Every row is validated; a file with one bad row
 * yields its errors (line number and reason) and no person, so that an import is all or nothing.
 */
final class RegistryCsv {

    static final List<String> COLUMNS = List.of("nir", "birth_name", "usage_name", "given_names", "gender",
            "birth_date", "birthplace", "birthcountry", "postal_code", "former_postal_codes", "scheme",
            "nir_certified", "carte_vitale_serial", "carte_vitale_active", "ibans", "email", "account_elsewhere");

    private static final Pattern POSTAL_CODE = Pattern.compile("[0-9]{5}");
    private static final Pattern SERIAL = Pattern.compile("[0-9]{11,22}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern NAME = Pattern.compile("[\\p{L}][\\p{L} '’-]{0,99}");

    record Parsed(List<InsuredPerson> persons, List<RowError> errors) {
        boolean valid() {
            return errors.isEmpty();
        }
    }

    private RegistryCsv() {
    }

    static Parsed parse(String content, LocalDate today) {
        List<RowError> errors = new ArrayList<>();
        List<InsuredPerson> persons = new ArrayList<>();
        String[] lines = content.replace("\uFEFF", "").split("\r?\n", -1);
        if (lines.length == 0 || lines[0].isBlank()) {
            return new Parsed(List.of(), List.of(new RowError(1, "missing header line")));
        }
        List<String> header = Arrays.stream(lines[0].split(";", -1)).map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        Set<String> missing = new HashSet<>(COLUMNS);
        header.forEach(missing::remove);
        if (!missing.isEmpty()) {
            return new Parsed(List.of(), List.of(new RowError(1, "missing columns " + missing.stream().sorted().toList())));
        }
        Set<Nir> seen = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            int lineNumber = i + 1;
            String[] cells = lines[i].split(";", -1);
            if (cells.length != header.size()) {
                errors.add(new RowError(lineNumber, "expected " + header.size() + " fields, found " + cells.length));
                continue;
            }
            try {
                InsuredPerson person = row(new Row(header, cells), today);
                if (!seen.add(person.nir())) {
                    errors.add(new RowError(lineNumber, "NIR already present earlier in the file"));
                } else {
                    persons.add(person);
                }
            } catch (IllegalArgumentException e) {
                errors.add(new RowError(lineNumber, e.getMessage()));
            }
        }
        return errors.isEmpty() ? new Parsed(persons, List.of()) : new Parsed(List.of(), errors);
    }

    private static InsuredPerson row(Row row, LocalDate today) {
        Nir nir = field("nir", () -> Nir.parse(row.required("nir")));
        String birthName = name(row, "birth_name", true);
        String usageName = name(row, "usage_name", false);
        String givenNames = name(row, "given_names", true);
        Gender gender = field("gender", () -> Gender.fromClaim(row.required("gender").toLowerCase(Locale.ROOT)));
        BirthDate birthDate = field("birth_date", () -> BirthDate.parseIso(row.required("birth_date"), today));
        String birthcountry = row.required("birthcountry");
        if (!CogCode.isCountry(birthcountry)) {
            throw new IllegalArgumentException("birthcountry: not an INSEE country code (99xxx)");
        }
        String birthplace = row.optional("birthplace");
        if (CogCode.FRANCE.equals(birthcountry) ? birthplace == null || !CogCode.isCommune(birthplace) : birthplace != null) {
            throw new IllegalArgumentException("birthplace: a commune code is required when born in France, and only then");
        }
        String postalCode = row.required("postal_code");
        if (!POSTAL_CODE.matcher(postalCode).matches()) {
            throw new IllegalArgumentException("postal_code: five digits expected");
        }
        List<String> former = row.list("former_postal_codes");
        if (!former.stream().allMatch(p -> POSTAL_CODE.matcher(p).matches())) {
            throw new IllegalArgumentException("former_postal_codes: five digits each expected");
        }
        Scheme scheme = Scheme.fromCode(row.required("scheme"));
        boolean certified = bool(row, "nir_certified");
        String serial = row.optional("carte_vitale_serial");
        if (serial != null) {
            serial = serial.replace(" ", "");
            if (!SERIAL.matcher(serial).matches()) {
                throw new IllegalArgumentException("carte_vitale_serial: 11 to 22 digits expected");
            }
        }
        boolean cardActive = bool(row, "carte_vitale_active");
        List<FrenchIban> ibans = field("ibans", () -> row.list("ibans").stream().map(FrenchIban::parse).toList());
        String email = row.optional("email");
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("email: not an email address");
        }
        return new InsuredPerson(nir, birthName, usageName, givenNames, gender, birthDate, birthplace, birthcountry,
                postalCode, former, scheme, certified, serial, cardActive, ibans, email, bool(row, "account_elsewhere"));
    }

    private static @Nullable String name(Row row, String column, boolean required) {
        String value = required ? row.required(column) : row.optional(column);
        if (value != null && !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(column + ": letters, spaces, hyphens and apostrophes only");
        }
        return value;
    }

    private static boolean bool(Row row, String column) {
        String value = row.optional(column);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(column + ": true or false expected");
    }

    /** Runs a parser and prefixes its error with the column name; the value itself is never repeated. */
    private static <T> T field(String column, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(column + ": " + e.getMessage(), e);
        }
    }

    private record Row(List<String> header, String[] cells) {
        @Nullable String optional(String column) {
            String v = cells[header.indexOf(column)].trim();
            return v.isEmpty() ? null : v;
        }

        String required(String column) {
            String v = optional(column);
            if (v == null) {
                throw new IllegalArgumentException(column + ": required");
            }
            return v;
        }

        List<String> list(String column) {
            String v = optional(column);
            return v == null ? List.of() : Arrays.stream(v.split("\\|")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
