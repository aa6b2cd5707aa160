package fr.ameli.idp.provisional;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the login form takes for a provisional code rather than a password (seed 003: « ou provisoire à 4 chiffres »). */
class ProvisionalCodeShapeTests {

    @ParameterizedTest(name = "''{0}'' looks like a code: {1}")
    @CsvSource({"4821, true", "' 4821 ', true", "12345678, true", "123, false", "12345, false", "1234567, false",
            "123456789, false", "48a1, false", "Ameli-Demo-2026, false", "'', false", "'12 34', false"})
    void looksLikeCodeWhenFourOrEightDigitsThenTrue(String typed, boolean code) {
        assertThat(ProvisionalCodes.looksLikeCode(typed)).isEqualTo(code);
    }
}
