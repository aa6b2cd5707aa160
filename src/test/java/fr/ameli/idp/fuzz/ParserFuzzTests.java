package fr.ameli.idp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.FrenchPhoneNumber;
import fr.ameli.idp.account.InvalidEmailException;
import fr.ameli.idp.account.InvalidPhoneNumberException;
import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.FrenchIban;
import fr.ameli.idp.registry.InvalidBirthDateException;
import fr.ameli.idp.registry.InvalidIbanException;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The five parsers of what people type, under arbitrary input: they accept a value or refuse it with their own
 * documented exception (never another one), and what they accept reads back the same (round trip).
 *
 * <p>Each {@code @FuzzTest} replays its seed corpus ({@code src/test/resources/fr/ameli/idp/fuzz/ParserFuzzTestsInputs/})
 * in {@code mvn verify}; {@code JAZZER_FUZZ=1} fuzzes it for real. {@link #generatedCases()} adds
 * {@value #GENERATED} inputs per parser from a fixed-seed generator (the same on every run), the case count printed
 * and written to {@code target/quality/fuzz-parsers.txt}.
 */
@Tag("fuzz")
class ParserFuzzTests {

    static final int GENERATED = 5_000;
    static final LocalDate TODAY = LocalDate.of(2026, 6, 1);
    static final AtomicLong CASES = new AtomicLong();

    @FuzzTest
    void nir(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            nirRoundTrip(data.consumeLong());
        }
        nirProperty(data.consumeRemainingAsString());
    }

    @FuzzTest
    void iban(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            ibanRoundTrip(data.consumeLong());
        }
        ibanProperty(data.consumeRemainingAsString());
    }

    @FuzzTest
    void birthDate(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            birthDateRoundTrip(data.consumeInt(BirthDate.MIN_YEAR, TODAY.getYear()), data.consumeInt(0, 12),
                    data.consumeInt(0, 31));
        }
        birthDateProperty(data.consumeRemainingAsString());
    }

    @FuzzTest
    void email(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            emailRoundTrip(data.consumeAsciiString(20), data.consumeAsciiString(20));
        }
        emailProperty(data.consumeRemainingAsString());
    }

    @FuzzTest
    void phone(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            phoneRoundTrip(data.consumeInt(1, 9), data.consumeInt(0, 99_999_999));
        }
        phoneProperty(data.consumeRemainingAsString());
    }

    /** Fixed-seed inputs: near-valid values with one mutation, and noise, for each parser. */
    @Test
    void generatedCases() {
        Random random = new Random(20261205L);
        for (int i = 0; i < GENERATED; i++) {
            nirRoundTrip(random.nextLong());
            nirProperty(Mutations.mutate(random, Mutations.pick(random, "1 80 01 44 109 051", "2850575112034 96",
                    "2A", "1800144109051")));
            ibanRoundTrip(random.nextLong());
            ibanProperty(Mutations.mutate(random, Mutations.pick(random, "FR76 2004 1010 0503 4780 3024 474",
                    "FR7630004000031234567890143", "DE89370400440532013000")));
            birthDateRoundTrip(BirthDate.MIN_YEAR + random.nextInt(TODAY.getYear() - BirthDate.MIN_YEAR + 1),
                    random.nextInt(13), random.nextInt(32));
            birthDateProperty(Mutations.mutate(random, Mutations.pick(random, "01/01/1980", "1980-01-01", "00/00/1950",
                    "29/02/2000")));
            emailRoundTrip(Mutations.word(random), Mutations.word(random));
            emailProperty(Mutations.mutate(random, Mutations.pick(random, "claire.martin@example.fr",
                    "a+b@sub.example.com", "\"x\"@[127.0.0.1]")));
            phoneRoundTrip(1 + random.nextInt(9), random.nextInt(100_000_000));
            phoneProperty(Mutations.mutate(random, Mutations.pick(random, "06 12 34 56 78", "+33 (0)1 23 45 67 89",
                    "0033612345678", "01.23.45.67.89")));
        }
    }

    @AfterAll
    static void report() {
        Quality.write("fuzz-parsers.txt", "Parser fuzz cases (Nir, FrenchIban, BirthDate, EmailAddress, FrenchPhoneNumber): "
                + CASES.get() + " (seed corpus and " + GENERATED + " generated inputs per parser), 0 unexpected exceptions\n");
    }

    static void nirProperty(String raw) {
        CASES.incrementAndGet();
        try {
            Nir nir = Nir.parse(raw);
            assertThat(Nir.parse(nir.withKey())).isEqualTo(nir);
            assertThat(Nir.parse(nir.formatted())).isEqualTo(nir);
            assertThat(Nir.isValid(raw)).isTrue();
        } catch (InvalidNirException refused) {
            assertThat(refused.getMessage()).as("the reason only, never the input").isEqualTo("Invalid NIR: " + refused.reason());
            assertThat(Nir.isValid(raw)).isFalse();
        }
    }

    /** A well-formed NIR body (sex, year, month, department, commune, order) read back with and without its key. */
    static void nirRoundTrip(long seed) {
        Random r = new Random(seed);
        String body = (1 + r.nextInt(2)) + two(r.nextInt(100)) + two(1 + r.nextInt(12)) + two(1 + r.nextInt(95))
                + three(1 + r.nextInt(990)) + three(1 + r.nextInt(999));
        if (body.substring(5, 7).equals("20")) {
            body = body.substring(0, 5) + "21" + body.substring(7);
        }
        CASES.incrementAndGet();
        Nir nir = Nir.parse(body);
        assertThat(nir.value()).isEqualTo(body);
        assertThat(Nir.parse(nir.withKey()).value()).isEqualTo(body);
        assertThat(Nir.parse(nir.formatted())).isEqualTo(nir);
    }

    static void ibanProperty(String raw) {
        CASES.incrementAndGet();
        try {
            FrenchIban iban = FrenchIban.parse(raw);
            assertThat(FrenchIban.parse(iban.value())).isEqualTo(iban);
            assertThat(iban.masked()).hasSizeGreaterThan(9);
        } catch (InvalidIbanException refused) {
            assertThat(FrenchIban.isValid(raw)).isFalse();
        }
    }

    /** A French IBAN built from a random BBAN with its RIB key and its ISO 13616 check digits. */
    static void ibanRoundTrip(long seed) {
        Random r = new Random(seed);
        String bank = digits(r, 5);
        String branch = digits(r, 5);
        String account = digits(r, 11);
        long ribKey = 97 - ((89 * Long.parseLong(bank) + 15 * Long.parseLong(branch) + 3 * Long.parseLong(account)) % 97);
        String bban = bank + branch + account + two((int) ribKey);
        int check = 98 - new java.math.BigInteger(bban + "152700").mod(java.math.BigInteger.valueOf(97)).intValue();
        String value = "FR" + two(check) + bban;
        CASES.incrementAndGet();
        FrenchIban iban = FrenchIban.parse(value);
        assertThat(iban.value()).isEqualTo(value);
        String spaced = value.replaceAll("(.{4})", "$1 ").toLowerCase(Locale.ROOT);
        assertThat(FrenchIban.parse(spaced)).isEqualTo(iban);
    }

    static void birthDateProperty(String raw) {
        CASES.incrementAndGet();
        try {
            BirthDate date = BirthDate.parseFrench(raw, TODAY);
            assertThat(BirthDate.parseFrench(date.french(), TODAY)).isEqualTo(date);
        } catch (InvalidBirthDateException refused) {
            // the documented refusal
        }
        CASES.incrementAndGet();
        try {
            BirthDate date = BirthDate.parseIso(raw, TODAY);
            assertThat(BirthDate.parseIso(date.iso(), TODAY)).isEqualTo(date);
        } catch (InvalidBirthDateException refused) {
            // the documented refusal
        }
    }

    /** Any real date (day or month 00 for unknown, as the registry has them) reads back in both notations. */
    static void birthDateRoundTrip(int year, int month, int day) {
        String iso = String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
        CASES.incrementAndGet();
        try {
            BirthDate date = BirthDate.parseIso(iso, TODAY);
            assertThat(date.iso()).isEqualTo(iso);
            assertThat(BirthDate.parseFrench(date.french(), TODAY)).isEqualTo(date);
        } catch (InvalidBirthDateException refused) {
            boolean real;
            try {
                LocalDate.of(year, Math.max(month, 1), Math.max(day, 1));
                real = (month != 0 || day == 0);
            } catch (java.time.DateTimeException e) {
                real = false;
            }
            boolean future = real && LocalDate.of(year, Math.max(month, 1), Math.max(day, 1)).isAfter(TODAY);
            assertThat(real && !future).as("refused %s", iso).isFalse();
        }
    }

    static void emailProperty(String raw) {
        CASES.incrementAndGet();
        try {
            EmailAddress email = EmailAddress.parse(raw);
            assertThat(EmailAddress.parse(email.normalized())).isEqualTo(email);
            assertThat(email.canonical()).isEqualTo(email.normalized().toLowerCase(Locale.ROOT));
            assertThat(email.masked()).contains("****@");
        } catch (InvalidEmailException refused) {
            assertThat(EmailAddress.isValid(raw)).isFalse();
        }
    }

    /** Dot-atom local parts and hostnames: accepted, read back, domain lower-cased. */
    static void emailRoundTrip(String local, String host) {
        String l = local.replaceAll("[^A-Za-z0-9]", "");
        String h = host.replaceAll("[^A-Za-z0-9]", "");
        if (l.isEmpty() || h.isEmpty()) {
            return;
        }
        String typed = l + "@" + h + ".Example.FR";
        CASES.incrementAndGet();
        EmailAddress email = EmailAddress.parse(typed);
        assertThat(email.normalized()).isEqualTo(l + "@" + h.toLowerCase(Locale.ROOT) + ".example.fr");
        assertThat(EmailAddress.parse(" " + email.normalized() + " ")).isEqualTo(email);
    }

    static void phoneProperty(String raw) {
        CASES.incrementAndGet();
        try {
            FrenchPhoneNumber phone = FrenchPhoneNumber.parse(raw);
            assertThat(FrenchPhoneNumber.parse(phone.e164())).isEqualTo(phone);
            assertThat(FrenchPhoneNumber.parse(phone.national())).isEqualTo(phone);
            assertThat(phone.isMobile() || phone.isLandline() || !phone.isMobile()).isTrue();
        } catch (InvalidPhoneNumberException refused) {
            // the documented refusal
        }
        for (boolean mobile : new boolean[] {true, false}) {
            CASES.incrementAndGet();
            try {
                FrenchPhoneNumber phone = mobile ? FrenchPhoneNumber.parseMobile(raw) : FrenchPhoneNumber.parseLandline(raw);
                assertThat(mobile ? phone.isMobile() : phone.isLandline()).isTrue();
            } catch (InvalidPhoneNumberException refused) {
                // the documented refusal
            }
        }
    }

    /** Every French number (first digit 1 to 9, eight more) in the national, international and spaced notations. */
    static void phoneRoundTrip(int first, int rest) {
        String national = "0" + first + String.format(Locale.ROOT, "%08d", rest);
        CASES.incrementAndGet();
        FrenchPhoneNumber phone = FrenchPhoneNumber.parse(national);
        assertThat(phone.national().replaceAll("\\D", "")).isEqualTo(national);
        assertThat(FrenchPhoneNumber.parse("+33" + national.substring(1))).isEqualTo(phone);
        assertThat(FrenchPhoneNumber.parse(national.replaceAll("(\\d{2})", "$1 ").strip())).isEqualTo(phone);
        assertThat(phone.e164()).isEqualTo("+33" + national.substring(1));
    }

    private static String two(int n) {
        return String.format(Locale.ROOT, "%02d", n);
    }

    private static String three(int n) {
        return String.format(Locale.ROOT, "%03d", n);
    }

    private static String digits(Random r, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + r.nextInt(10)));
        }
        return s.toString();
    }
}
