package fr.ameli.idp.account;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrenchPhoneNumberTests {

    @ParameterizedTest
    @ValueSource(strings = {
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "+33 6 12 34 56 78",
            "+33612345678",
            "0033612345678",
            "00 33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "  06 12 34 56 78  ",
            "06\u00a012\u00a034\u00a056\u00a078",
            "0 6 1 2 3 4 5 6 7 8",
    })
    void parseWhenAcceptedFormThenSameNumber(String raw) {
        FrenchPhoneNumber number = FrenchPhoneNumber.parse(raw);

        assertThat(number.e164()).isEqualTo("+33612345678");
        assertThat(number.national()).isEqualTo("06 12 34 56 78");
        assertThat(number).isEqualTo(FrenchPhoneNumber.parse("0612345678"));
    }

    @ParameterizedTest
    @CsvSource({
            // typed,            e164,           national,         mobile, landline
            "0145678901,         +33145678901,   01 45 67 89 01,   false,  true",
            "0234567890,         +33234567890,   02 34 56 78 90,   false,  true",
            "0387654321,         +33387654321,   03 87 65 43 21,   false,  true",
            "0412345678,         +33412345678,   04 12 34 56 78,   false,  true",
            "0556789012,         +33556789012,   05 56 78 90 12,   false,  true",
            "0612345678,         +33612345678,   06 12 34 56 78,   true,   false",
            "0798765432,         +33798765432,   07 98 76 54 32,   true,   false",
            "0812345678,         +33812345678,   08 12 34 56 78,   false,  false",
            "0987654321,         +33987654321,   09 87 65 43 21,   false,  true",
            "+33 1 45 67 89 01,  +33145678901,   01 45 67 89 01,   false,  true",
            "0033 7 98 76 54 32, +33798765432,   07 98 76 54 32,   true,   false",
    })
    void parseWhenPrefixThenKindAndForms(String raw, String e164, String national, boolean mobile,
            boolean landline) {
        FrenchPhoneNumber number = FrenchPhoneNumber.parse(raw);

        assertThat(number.e164()).isEqualTo(e164);
        assertThat(number.national()).isEqualTo(national);
        assertThat(number.isMobile()).isEqualTo(mobile);
        assertThat(number.isLandline()).isEqualTo(landline);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t"})
    void parseWhenNothingTypedThenEmpty(String raw) {
        assertReason(raw, InvalidPhoneNumberException.Reason.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "061234567",          // 9 digits
            "06123456789",        // 11 digits
            "612345678",          // trunk 0 missing
            "0012345678",         // 00 is not a French prefix
            "+33 06 12 34 56 78", // trunk 0 after the country code
            "+3361234567",
            "+336123456789",
            "+33012345678",
            "+32 6 12 34 56 78",  // Belgium
            "+262 692 12 34 56",  // La Réunion has its own country code
            "0044612345678",
            "06 12 34 56 7a",
            "06/12/34/56/78",
            "06_12_34_56_78",
            "(06) 12 34 56 78",
            "+33 (1)6 12 34 56 78",
            "tel:+33612345678",
            "０６12345678",       // full-width digits
    })
    void parseWhenNotAFrenchNumberThenFormat(String raw) {
        assertReason(raw, InvalidPhoneNumberException.Reason.FORMAT);
    }

    @ParameterizedTest
    @CsvSource({
            "06 12 34 56 78, true",
            "07 98 76 54 32, true",
            "+33 7 98 76 54 32, true",
            "01 45 67 89 01, false",
            "05 56 78 90 12, false",
            "09 87 65 43 21, false",
            "08 12 34 56 78, false",
    })
    void parseMobileWhenNumberThenOnlyZeroSixAndZeroSevenAccepted(String raw, boolean accepted) {
        if (accepted) {
            assertThat(FrenchPhoneNumber.parseMobile(raw).isMobile()).isTrue();
        }
        else {
            assertReason(() -> FrenchPhoneNumber.parseMobile(raw), InvalidPhoneNumberException.Reason.NOT_MOBILE);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "01 45 67 89 01, true",
            "02 34 56 78 90, true",
            "03 87 65 43 21, true",
            "04 12 34 56 78, true",
            "05 56 78 90 12, true",
            "09 87 65 43 21, true",
            "06 12 34 56 78, false",
            "07 98 76 54 32, false",
            "08 12 34 56 78, false",
    })
    void parseLandlineWhenNumberThenOnlyZeroOneToZeroFiveAndZeroNineAccepted(String raw, boolean accepted) {
        if (accepted) {
            assertThat(FrenchPhoneNumber.parseLandline(raw).isLandline()).isTrue();
        }
        else {
            assertReason(() -> FrenchPhoneNumber.parseLandline(raw), InvalidPhoneNumberException.Reason.NOT_LANDLINE);
        }
    }

    @Test
    void parseMobileWhenInvalidThenFormatBeforeKind() {
        assertReason(() -> FrenchPhoneNumber.parseMobile("0612"), InvalidPhoneNumberException.Reason.FORMAT);
        assertReason(() -> FrenchPhoneNumber.parseLandline(""), InvalidPhoneNumberException.Reason.EMPTY);
    }

    @Test
    void parseWhenRefusedThenMessageDoesNotContainTheNumber() {
        assertThatThrownBy(() -> FrenchPhoneNumber.parseMobile("01 45 67 89 01"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(ex -> assertThat(ex.getMessage()).doesNotContainPattern("[0-9]"));
    }

    @Test
    void toStringWhenAnyNumberThenOnlyKindAndLastTwoDigits() {
        assertThat(FrenchPhoneNumber.parse("06 12 34 56 78").toString())
                .isEqualTo("FrenchPhoneNumber[06 ** ** ** 78]");
    }

    @Test
    void equalsWhenDifferentNumberThenNotEqual() {
        FrenchPhoneNumber number = FrenchPhoneNumber.parse("06 12 34 56 78");

        assertThat(number).hasSameHashCodeAs(FrenchPhoneNumber.parse("+33612345678"));
        assertThat(number).isNotEqualTo(FrenchPhoneNumber.parse("06 12 34 56 79"));
        assertThat(number).isNotEqualTo(FrenchPhoneNumber.parse("07 12 34 56 78"));
    }

    private static void assertReason(String raw, InvalidPhoneNumberException.Reason reason) {
        assertReason(() -> FrenchPhoneNumber.parse(raw), reason);
    }

    private static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
            InvalidPhoneNumberException.Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidPhoneNumberException.class,
                ex -> assertThat(ex.reason()).isEqualTo(reason));
    }
}
