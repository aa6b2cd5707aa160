package fr.ameli.idp.registry;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NirTests {

    /** Every NIR of DEMO-DATA.md, as written there (13 characters + key, spaced). */
    static Stream<Arguments> demoNirs() {
        return Stream.of(
                Arguments.of("2 85 05 75 112 034 96", "2850575112034", "96", false),
                Arguments.of("1 62 12 28 010 001 24", "1621228010001", "24", false),
                Arguments.of("1 79 06 13 055 042 49", "1790613055042", "49", false),
                Arguments.of("2 92 01 69 123 007 33", "2920169123007", "33", false),
                Arguments.of("7 99 10 99 999 001 48", "7991099999001", "48", true),
                Arguments.of("1 55 05 99 350 101 66", "1550599350101", "66", false),
                Arguments.of("2 71 08 33 063 120 50", "2710833063120", "50", false),
                Arguments.of("1 88 11 31 555 087 65", "1881131555087", "65", false),
                Arguments.of("2 00 02 33 063 045 16", "2000233063045", "16", false));
    }

    @ParameterizedTest
    @MethodSource("demoNirs")
    void parseWhenDemoNirWithKeyThenValueKeyAndFormatMatch(String printed, String value, String key,
            boolean provisional) {
        Nir nir = Nir.parse(printed);

        assertThat(nir.value()).isEqualTo(value);
        assertThat(nir.key()).isEqualTo(key);
        assertThat(nir.withKey()).isEqualTo(value + key);
        assertThat(nir.formatted()).isEqualTo(printed);
        assertThat(nir.provisional()).isEqualTo(provisional);
    }

    @ParameterizedTest
    @MethodSource("demoNirs")
    void parseWhenDemoNirWithoutKeyThenSameNir(String printed, String value, String key,
            boolean provisional) {
        assertThat(Nir.parse(value)).isEqualTo(Nir.parse(printed));
        assertThat(Nir.parse(value).key()).isEqualTo(key);
    }

    @ParameterizedTest
    @MethodSource("demoNirs")
    void parseWhenDemoNirWithWrongKeyThenKeyMismatch(String printed, String value, String key,
            boolean provisional) {
        String wrongKey = String.format("%02d", Integer.parseInt(key) % 97 + 1);

        assertThatThrownBy(() -> Nir.parse(value + wrongKey))
                .isInstanceOfSatisfying(InvalidNirException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(InvalidNirException.Reason.KEY_MISMATCH));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "285057511203496",
            "2850575112034 96",
            "  2 85 05 75 112 034 96  ",
            "2\t85 05 75 112 034\n96",
            "2\u00a085\u00a005\u00a075\u00a0112\u00a0034\u00a096",
            "2\u202f85\u202f05\u202f75\u202f112\u202f034\u202f96",
            "2850575112034",
            " 2 8 5 0 5 7 5 1 1 2 0 3 4 ",
    })
    void parseWhenSpacesAnywhereThenAccepted(String raw) {
        assertThat(Nir.parse(raw).value()).isEqualTo("2850575112034");
    }

    @ParameterizedTest
    @CsvSource({
            // typed,            value,           key
            "185052A123456,      185052A123456,   33",
            "185052a123456,      185052A123456,   33",
            "1 85 05 2A 123 456 33, 185052A123456, 33",
            "1 85 05 2a 123 456 33, 185052A123456, 33",
            "292012B033004,      292012B033004,   39",
            "2 92 01 2b 033 004 39, 292012B033004, 39",
            "1850520123456,      1850520123456,   06",
            "1850519123456,      1850519123456,   33",
            "1850518123456,      1850518123456,   60",
    })
    void parseWhenCorsicaThenTwoAAndTwoBCountAsNineteenAndEighteen(String typed, String value,
            String key) {
        Nir nir = Nir.parse(typed);

        assertThat(nir.value()).isEqualTo(value);
        assertThat(nir.key()).isEqualTo(key);
    }

    @Test
    void parseWhenCorsicaThenDistinctFromNumberWithSameKey() {
        assertThat(Nir.parse("185052A123456")).isNotEqualTo(Nir.parse("1850519123456"));
    }

    @Test
    void formattedWhenCorsicaThenDepartmentShownAsTyped() {
        assertThat(Nir.parse("185052a123456").formatted()).isEqualTo("1 85 05 2A 123 456 33");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "   ", "\t\n", "\u00a0"})
    void parseWhenNothingTypedThenEmpty(String raw) {
        assertReason(raw, InvalidNirException.Reason.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1",
            "285057511203",        // 12
            "28505751120349",      // 14
            "2850575112034961",    // 16
            "2 85 05 75 112 034 9",
            "28505751120349600",
    })
    void parseWhenNeitherThirteenNorFifteenCharactersThenLength(String raw) {
        assertReason(raw, InvalidNirException.Reason.LENGTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2.85.05.75.112.034.96",   // dots are not accepted
            "2-85-05-75-112-034-96",   // neither are hyphens
            "2850575112O34",           // letter O for zero
            "285057511203x",
            "2850575112034+6",
            "２850575112034",          // full-width digit
            "A850575112034",           // Corsica letter outside the department
            "28505A5112034",           // letter at position 6
            "285052C112034",           // only 2A and 2B exist
            "285053A112034",           // 3A is not a department
            "2850575112A34",
            "28505751120349A",         // key must be digits
            "0850575112034",           // first digit 0
            "5850575112034",           // first digit 5
            "6850575112034",           // first digit 6
            "9850575112034",           // first digit 9
    })
    void parseWhenCharacterNotAllowedWhereItStandsThenCharacters(String raw) {
        assertReason(raw, InvalidNirException.Reason.CHARACTERS);
    }

    @ParameterizedTest
    @CsvSource({
            "1850575112034, false",
            "2850575112034, false",
            "3850575112034, false",
            "4850575112034, false",
            "7850575112034, true",
            "8850575112034, true",
    })
    void provisionalWhenFirstDigitSevenOrEightThenTrue(String raw, boolean provisional) {
        assertThat(Nir.parse(raw).provisional()).isEqualTo(provisional);
    }

    @ParameterizedTest
    @CsvSource({
            "2 85 05 75 112 034 96, true",
            "2850575112034, true",
            "2 85 05 75 112 034 69, false",
            "2 85 05 75 112 034, true",
            "2850575112035, true",
            "285057511203, false",
            "2 85 05 75 112 034 00, false",
            "'', false",
    })
    void isValidWhenTypedThenMatchesParse(String raw, boolean valid) {
        assertThat(Nir.isValid(raw)).isEqualTo(valid);
    }

    @Test
    void isValidWhenNullThenFalse() {
        assertThat(Nir.isValid(null)).isFalse();
    }

    /** Any 13-digit body gets a key that parses back, and each of the 96 other keys is refused. */
    static Stream<String> randomBodies() {
        Random random = new Random(20260514L);
        char[] firsts = {'1', '2', '3', '4', '7', '8'};
        return Stream.generate(() -> {
            StringBuilder body = new StringBuilder().append(firsts[random.nextInt(firsts.length)]);
            for (int i = 1; i < 13; i++) {
                body.append((char) ('0' + random.nextInt(10)));
            }
            if (random.nextInt(5) == 0) {
                body.replace(5, 7, random.nextBoolean() ? "2A" : "2B");
            }
            return body.toString();
        }).limit(200);
    }

    @ParameterizedTest
    @MethodSource("randomBodies")
    void parseWhenOnlyComputedKeyThenAcceptedAndEveryOtherKeyRefused(String body) {
        String key = Nir.parse(body).key();
        assertThat(Integer.parseInt(key)).isBetween(1, 97);
        assertThat(Nir.parse(body + key).value()).isEqualTo(body);
        for (int other = 0; other <= 99; other++) {
            String otherKey = String.format("%02d", other);
            if (!otherKey.equals(key)) {
                assertThat(Nir.isValid(body + otherKey)).as("key %s", otherKey).isFalse();
            }
        }
    }

    @Test
    void parseWhenOneDigitChangedThenKeyMismatch() {
        // a single-digit typo is always caught by the key
        String good = "285057511203496";
        for (int i = 1; i < 13; i++) {
            char c = good.charAt(i);
            String typo = good.substring(0, i) + (char) ('0' + (c - '0' + 1) % 10) + good.substring(i + 1);
            assertReason(typo, InvalidNirException.Reason.KEY_MISMATCH);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2 85 05 75 112 034 69", "2850575112O34", "28505751120", "2-85-05-75-112-034-96"})
    void parseWhenRefusedThenMessageDoesNotContainTheInput(String raw) {
        assertThatThrownBy(() -> Nir.parse(raw))
                .isInstanceOf(InvalidNirException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(ex -> assertThat(ex.getMessage())
                        .doesNotContain(raw.replace(" ", "").substring(0, 8))
                        .doesNotContain("2 85 05")
                        .doesNotContain("850575")
                        .doesNotContain("112"));
    }

    @Test
    void toStringWhenAnyNirThenNoDigits() {
        Nir nir = Nir.parse("2 85 05 75 112 034 96");

        assertThat(nir.toString()).isEqualTo("Nir[***]").doesNotContainPattern("[0-9]");
    }

    @Test
    void equalsWhenSameValueThenEqualAndSameHashCode() {
        Nir a = Nir.parse("2850575112034");
        Nir b = Nir.parse(" 2 85 05 75 112 034 96 ");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Nir.parse("1621228010001"));
        assertThat(a).isNotEqualTo("2850575112034");
    }

    private static void assertReason(String raw, InvalidNirException.Reason reason) {
        assertThatThrownBy(() -> Nir.parse(raw))
                .isInstanceOfSatisfying(InvalidNirException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(reason));
    }
}
