package fr.ameli.idp.registry;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrenchIbanTests {

    /** Every IBAN of DEMO-DATA.md, as written there. */
    static Stream<String> demoIbans() {
        return Stream.of(
                "FR76 3000 4000 3112 3456 7890 111",
                "FR76 2004 1010 0503 4780 3024 474",
                "FR76 1027 8060 4000 0204 7160 134",
                "FR76 3000 3012 3498 7654 3210 181",
                "FR76 1751 5900 0008 1234 5678 938",
                "FR76 1820 6004 1065 4321 0987 678",
                "FR76 1333 5000 4008 0012 3456 769",
                "FR76 1131 5000 0102 3456 7890 188",
                "FR76 1450 5000 1004 5678 9012 347",
                "FR76 1660 6100 2000 9876 5432 115");
    }

    @ParameterizedTest
    @MethodSource("demoIbans")
    void parseWhenDemoIbanThenValueIsTwentySevenCharactersWithoutSpaces(String printed) {
        FrenchIban iban = FrenchIban.parse(printed);

        assertThat(iban.value()).isEqualTo(printed.replace(" ", "")).hasSize(27);
    }

    @ParameterizedTest
    @MethodSource("demoIbans")
    void parseWhenDemoIbanLowerCaseWithoutSpacesThenSameIban(String printed) {
        String typed = printed.replace(" ", "").toLowerCase();

        assertThat(FrenchIban.parse(typed)).isEqualTo(FrenchIban.parse(printed));
    }

    @ParameterizedTest
    @MethodSource("demoIbans")
    void parseWhenAnySingleDigitOfDemoIbanChangedThenRefused(String printed) {
        String value = printed.replace(" ", "");
        for (int i = 2; i < value.length(); i++) {
            char c = value.charAt(i);
            String typo = value.substring(0, i) + (char) ('0' + (c - '0' + 1) % 10) + value.substring(i + 1);
            assertThat(FrenchIban.isValid(typo)).as("digit %d changed", i).isFalse();
        }
    }

    @ParameterizedTest
    @CsvSource({
            // IBAN with letters in the account number (RIB key computed with the letter table)
            "FR33 3000 2005 5000 0015 7841 Z25",
            "fr3330002005500000157841z25",
            "FR081009618000ABCDEFGHIJK16",
            "FR321009618000LMNOPQRSTUV61",
            "FR541009618000WXYZ000000049",
            // RIB keys at both ends of the range
            "FR7612345678900000000008797",
            "FR7612345678900000000002201",
    })
    void parseWhenBothKeysValidThenAccepted(String raw) {
        assertThat(FrenchIban.parse(raw).value()).isEqualTo(raw.replace(" ", "").toUpperCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {" FR76 3000 4000 3112 3456 7890 111 ", "FR76\t3000\u00a04000\u202f3112 3456 7890 111",
            "F R 7 6 3 0 0 0 4 0 0 0 3 1 1 2 3 4 5 6 7 8 9 0 1 1 1"})
    void parseWhenSpacesAnywhereThenAccepted(String raw) {
        assertThat(FrenchIban.parse(raw).value()).isEqualTo("FR7630004000311234567890111");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t \n"})
    void parseWhenNothingTypedThenEmpty(String raw) {
        assertReason(raw, InvalidIbanException.Reason.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DE89 3704 0044 0532 0130 00",       // a valid German IBAN
            "MC58 1122 2000 0101 2345 6789 030",  // Monaco uses the French format but is not FR
            "BE71 0961 2345 6769",
            "XX76 3000 4000 3112 3456 7890 111",
    })
    void parseWhenNotFrenchThenCountry(String raw) {
        assertReason(raw, InvalidIbanException.Reason.COUNTRY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "F",
            "FR",
            "FR76 3000 4000 3112 3456 7890 11",
            "FR76 3000 4000 3112 3456 7890 1111",
    })
    void parseWhenNotTwentySevenCharactersThenLength(String raw) {
        assertReason(raw, InvalidIbanException.Reason.LENGTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "FR76-3000-4000-3112-3456-7890-111",
            "FR76.3000.4000.3112.3456.7890.111",
            "FR76 3000 4000 3112 3456 7890 11é",
            "FR7A 3000 4000 3112 3456 7890 111",  // letter in check digits
            "FR76 3A00 4000 3112 3456 7890 111",  // letter in bank code
            "FR76 3000 4B00 3112 3456 7890 111",  // letter in branch code
            "FR76 3000 4000 3112 3456 7890 1A1",  // letter in RIB key
            "FR76 3000 4000 3112 3456 7890 11ı",  // dotless i is not I
    })
    void parseWhenCharacterNotAllowedWhereItStandsThenCharacters(String raw) {
        assertReason(raw, InvalidIbanException.Reason.CHARACTERS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "FR77 3000 4000 3112 3456 7890 111",  // check digits off by one
            "FR00 3000 4000 3112 3456 7890 111",
            "FR76 3000 4000 3112 3456 7890 112",  // last digit changed
            "FR76 3000 4000 3112 3456 7809 111",  // two digits swapped
            "FR06 3000 2005 5000 0015 7841 Z25",
    })
    void parseWhenIsoCheckDigitsWrongThenChecksum(String raw) {
        assertReason(raw, InvalidIbanException.Reason.CHECKSUM);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // ISO check digits recomputed so that only the RIB key is wrong
            "FR0630002005500000157841Z26",
            "FR4930004000311234567890112",
    })
    void parseWhenOnlyRibKeyWrongThenRibKey(String raw) {
        assertReason(raw, InvalidIbanException.Reason.RIB_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FR76 3000 4000 3112 3456 7890 112", "DE89370400440532013000", "FR0630002005500000157841Z26"})
    void parseWhenRefusedThenMessageDoesNotContainTheInput(String raw) {
        assertThatThrownBy(() -> FrenchIban.parse(raw))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(ex -> assertThat(ex.getMessage())
                        .doesNotContainPattern("[0-9]{4}")
                        .doesNotContain(raw.substring(0, 4)));
    }

    @ParameterizedTest
    @CsvSource({
            "FR76 3000 4000 3112 3456 7890 111, FR76 3000 4*** **** **** **** ***",
            "FR76 2004 1010 0503 4780 3024 474, FR76 2004 1*** **** **** **** ***",
            "FR33 3000 2005 5000 0015 7841 Z25, FR33 3000 2*** **** **** **** ***",
    })
    void maskedWhenAnyIbanThenOnlyFirstNineCharactersShown(String raw, String masked) {
        assertThat(FrenchIban.parse(raw).masked()).isEqualTo(masked);
    }

    @ParameterizedTest
    @MethodSource("demoIbans")
    void maskedWhenDemoIbanThenLastSevenNeverRevealed(String printed) {
        FrenchIban iban = FrenchIban.parse(printed);

        assertThat(iban.masked().replace(" ", "")).hasSize(27).endsWith("*".repeat(18));
        assertThat(iban.toString()).contains(iban.masked()).doesNotContain(iban.lastCharacters(7))
                .doesNotContain(iban.value());
    }

    @ParameterizedTest
    @CsvSource({
            "1, 1",
            "7, 7890111",
            "11, 34567890111",
            "27, FR7630004000311234567890111",
    })
    void lastCharactersWhenInRangeThenSuffix(int n, String suffix) {
        assertThat(FrenchIban.parse("FR76 3000 4000 3112 3456 7890 111").lastCharacters(n)).isEqualTo(suffix);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 28})
    void lastCharactersWhenOutOfRangeThenIllegalArgument(int n) {
        FrenchIban iban = FrenchIban.parse("FR76 3000 4000 3112 3456 7890 111");

        assertThatIllegalArgumentException().isThrownBy(() -> iban.lastCharacters(n));
    }

    @ParameterizedTest
    @CsvSource({
            "FR33 3000 2005 5000 0015 7841 Z25, 7841Z25, true",
            "FR33 3000 2005 5000 0015 7841 Z25, 7841z25, true",
            "FR33 3000 2005 5000 0015 7841 Z25, '784 1z 25 ', true",
            "FR33 3000 2005 5000 0015 7841 Z25, 7841Z26, false",
            "FR33 3000 2005 5000 0015 7841 Z25, 841Z25, false",
            "FR33 3000 2005 5000 0015 7841 Z25, 57841Z25, false",
            "FR33 3000 2005 5000 0015 7841 Z25, '', false",
            "FR76 3000 4000 3112 3456 7890 111, 7890111, true",
            "FR76 3000 4000 3112 3456 7890 111, 7890 111, true",
            "FR76 3000 4000 3112 3456 7890 111, 7890-111, false",
            "FR76 3000 4000 3112 3456 7890 111, 0111, false",
            "FR76 2004 1010 0503 4780 3024 474, 3024474, true",
            "FR76 2004 1010 0503 4780 3024 474, 3024 474, true",
            "FR76 2004 1010 0503 4780 3024 474, 3024475, false",
    })
    void endsWithWhenTypedLastSevenThenComparedIgnoringCaseAndSpaces(String raw, String typed, boolean expected) {
        assertThat(FrenchIban.parse(raw).endsWith(typed)).isEqualTo(expected);
    }

    @Test
    void endsWithWhenNullThenFalse() {
        assertThat(FrenchIban.parse("FR76 3000 4000 3112 3456 7890 111").endsWith(null)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "FR76 3000 4000 3112 3456 7890 111, true",
            "FR76 3000 4000 3112 3456 7890 112, false",
            "'', false",
    })
    void isValidWhenTypedThenMatchesParse(String raw, boolean valid) {
        assertThat(FrenchIban.isValid(raw)).isEqualTo(valid);
    }

    @Test
    void equalsWhenSameValueThenEqualAndSameHashCode() {
        FrenchIban a = FrenchIban.parse("FR76 3000 4000 3112 3456 7890 111");
        FrenchIban b = FrenchIban.parse("fr7630004000311234567890111");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(FrenchIban.parse("FR76 2004 1010 0503 4780 3024 474"));
    }

    private static void assertReason(String raw, InvalidIbanException.Reason reason) {
        assertThatThrownBy(() -> FrenchIban.parse(raw))
                .isInstanceOfSatisfying(InvalidIbanException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(reason));
    }
}
