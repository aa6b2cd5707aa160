package fr.ameli.idp.account;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.Nir;

import static fr.ameli.idp.account.PasswordViolation.CONFIRMATION_MISMATCH;
import static fr.ameli.idp.account.PasswordViolation.CONTAINS_BIRTH_DATE;
import static fr.ameli.idp.account.PasswordViolation.CONTAINS_NIR;
import static fr.ameli.idp.account.PasswordViolation.FORBIDDEN_CHARACTER;
import static fr.ameli.idp.account.PasswordViolation.MISSING_DIGIT_OR_SPECIAL;
import static fr.ameli.idp.account.PasswordViolation.MISSING_LOWERCASE;
import static fr.ameli.idp.account.PasswordViolation.MISSING_UPPERCASE;
import static fr.ameli.idp.account.PasswordViolation.TOO_LONG;
import static fr.ameli.idp.account.PasswordViolation.TOO_SHORT;
import static org.assertj.core.api.Assertions.assertThat;

class PasswordPolicyTests {

    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);

    /** DEMO-DATA person 1: NIR 2 85 05 75 112 034 96, born 1985-05-14. */
    private static final Nir CLAIRE = Nir.parse("2 85 05 75 112 034 96");
    private static final BirthDate CLAIRE_BORN = BirthDate.parseIso("1985-05-14", TODAY);

    /** DEMO-DATA person 3: NIR 1 79 06 13 055 042 49, born 1979-06-21. */
    private static final Nir JEAN_PIERRE = Nir.parse("1 79 06 13 055 042 49");
    private static final BirthDate JEAN_PIERRE_BORN = BirthDate.parseIso("1979-06-21", TODAY);

    private static List<PasswordViolation> checkForClaire(String password) {
        return PasswordPolicy.check(password, password, CLAIRE, CLAIRE_BORN);
    }

    @Test
    void checkWhenDemoPasswordOfPersonOneThenValid() {
        assertThat(checkForClaire("Ameli-Demo-2026")).isEmpty();
    }

    static Stream<Arguments> compositionRules() {
        return Stream.of(
                Arguments.of("Abcdefg1", List.of()),                                      // 8: shortest
                Arguments.of("Abcdef1", List.of(TOO_SHORT)),                              // 7
                Arguments.of("Abcdefg", List.of(TOO_SHORT, MISSING_DIGIT_OR_SPECIAL)),
                Arguments.of("Ab" + "c".repeat(47) + "1", List.of()),                     // 50: longest
                Arguments.of("Ab" + "c".repeat(48) + "1", List.of(TOO_LONG)),             // 51
                Arguments.of("abcdefg1", List.of(MISSING_UPPERCASE)),
                Arguments.of("ABCDEFG1", List.of(MISSING_LOWERCASE)),
                Arguments.of("Abcdefgh", List.of(MISSING_DIGIT_OR_SPECIAL)),
                Arguments.of("Abcdefg!", List.of()),                                      // special, no digit
                Arguments.of("Abcdefg9", List.of()),                                      // digit, no special
                Arguments.of("12345678", List.of(MISSING_LOWERCASE, MISSING_UPPERCASE)),
                Arguments.of("--------", List.of(MISSING_LOWERCASE, MISSING_UPPERCASE)),
                Arguments.of("Abcd efg1", List.of(FORBIDDEN_CHARACTER)),                  // space
                Arguments.of("Abcdéfg1", List.of(FORBIDDEN_CHARACTER)),                   // accent
                Arguments.of("Abcde1😀", List.of(TOO_SHORT, FORBIDDEN_CHARACTER)),        // 7 code points
                Arguments.of("Abcdef1😀", List.of(FORBIDDEN_CHARACTER)),                  // 8 code points
                Arguments.of("Ébcdefg1", List.of(FORBIDDEN_CHARACTER, MISSING_UPPERCASE)),
                Arguments.of("", List.of(TOO_SHORT, MISSING_LOWERCASE, MISSING_UPPERCASE, MISSING_DIGIT_OR_SPECIAL)),
                Arguments.of("abc déf", List.of(TOO_SHORT, FORBIDDEN_CHARACTER, MISSING_UPPERCASE,
                        MISSING_DIGIT_OR_SPECIAL)));
    }

    @ParameterizedTest
    @MethodSource("compositionRules")
    void checkWhenCompositionRuleBrokenThenThatViolationInEnumOrder(String password, List<PasswordViolation> expected) {
        assertThat(checkForClaire(password)).isEqualTo(expected);
    }

    /** The special characters of the 2025 guide, written out independently of the class. */
    @ParameterizedTest
    @ValueSource(chars = {'?', '!', '$', '%', '@', '&', '(', '-', '+', '_', ')', '*', '/', '<', '>', '.', ',', ';', ':'})
    void checkWhenOnlySpecialIsOneOfTheListThenValid(char special) {
        assertThat(checkForClaire("Abcdefg" + special)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\t", "é", "è", "à", "ç", "ù", "É", "ß", "æ", "œ", "'", "\"", "#", "=", "[", "]",
            "{", "}", "~", "^", "|", "\\", "`", "€", "£", "°", "§", "µ", "Ａ", "１", "\u00a0", "\n", "\u0000"})
    void checkWhenCharacterOutsideTheListThenForbiddenCharacter(String forbidden) {
        assertThat(checkForClaire("Abcdef1" + forbidden)).containsExactly(FORBIDDEN_CHARACTER);
    }

    @ParameterizedTest
    @CsvSource({
            "Abcdef-2850x",         // NIR prefix 2850
            "Abcd+5112",            // 5112 inside the NIR
            "Abcd+8505",
            "Abcd+7511",
            "Abcd+2034",            // last 4 of the 13 characters
            "Abcd+0349",            // across the key
            "Abcd+3496",            // last 2 digits and key
            "Abcd+2850575112034",   // the whole NIR
            "Abcd+285057511203496", // the whole NIR with key
            "Abcd-28/50",           // separators do not hide digits
            "Abcd-5.1.1.2",
            "Abcd_51_12",
    })
    void checkWhenPasswordContainsFourConsecutiveNirCharactersThenContainsNir(String password) {
        assertThat(checkForClaire(password)).containsExactly(CONTAINS_NIR);
    }

    @ParameterizedTest
    @CsvSource({
            "Abcd-1985",            // year
            "Abcd-1405",            // DDMM
            "Abcd-0514",            // MMDD
            "Abcd0514",
            "Abcd-14/05",           // DD/MM
            "Abcd14.05x",
            "Abcd-05-14",
            "Ab-19-85-cd",
            "Abcd-140585",          // DDMMYY
            "Abcd-051485",          // MMDDYY
            "Abcd-14/05/1985",      // full date
            "Abcd-1985x",
    })
    void checkWhenPasswordContainsBirthDatePartThenContainsBirthDate(String password) {
        assertThat(checkForClaire(password)).containsExactly(CONTAINS_BIRTH_DATE);
    }

    @ParameterizedTest
    @CsvSource({
            "Abcd-850514",          // YYMMDD: 8505 is also in the NIR (2 85 05 …)
            "Abcd-19850514",        // YYYYMMDD
            "Abcd-1985-05-14",
    })
    void checkWhenPasswordContainsDateAlsoInNirThenBoth(String password) {
        assertThat(checkForClaire(password)).containsExactly(CONTAINS_NIR, CONTAINS_BIRTH_DATE);
    }

    @ParameterizedTest
    @CsvSource({
            "Abcd-285",             // only 3 characters of the NIR
            "Abcd-2-8-5-x",
            "Abcd-5141",
            "Abcd-1986",            // another year
            "Abcd-1984",
            "Abcd-0515",            // another day
            "Abcd-1406",
            "Abcd-2026",
            "Abcd-28x50",           // a letter breaks the run
            "Abcd-19x85",
            "Abcd-3497",
    })
    void checkWhenPasswordContainsNoPartThenValid(String password) {
        assertThat(checkForClaire(password)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "Dupont-1979, CONTAINS_BIRTH_DATE",
            "Dupont-2106, CONTAINS_BIRTH_DATE",
            "Dupont-0621, CONTAINS_BIRTH_DATE",
            "Dupont-3055, CONTAINS_NIR",
            "Dupont-4249, CONTAINS_NIR",
            "Dupont-1405, ",        // Claire's birth date is not Jean-Pierre's
            "Dupont-5112, ",        // nor her NIR
            "Ameli-Demo-2026, ",
    })
    void checkWhenOtherPersonThenHisOwnNirAndBirthDateCount(String password, PasswordViolation expected) {
        List<PasswordViolation> violations = PasswordPolicy.check(password, password, JEAN_PIERRE, JEAN_PIERRE_BORN);

        assertThat(violations).isEqualTo(expected == null ? List.of() : List.of(expected));
    }

    @ParameterizedTest
    @CsvSource({
            "Abcd-2a12, CONTAINS_NIR",   // Corsican department typed in lower case
            "Abcd-2A12, CONTAINS_NIR",
            "Abcd-1912, ",               // the key's substitute 19 is not in the NIR itself
    })
    void checkWhenCorsicanNirThenLettersComparedIgnoringCase(String password, PasswordViolation expected) {
        Nir corsican = Nir.parse("185052A123456");
        BirthDate born = BirthDate.parseIso("1985-05-00", TODAY);

        assertThat(PasswordPolicy.check(password, password, corsican, born))
                .isEqualTo(expected == null ? List.of() : List.of(expected));
    }

    @ParameterizedTest
    @CsvSource({
            "1985-05-00, Abcd-1405x, ",                       // unknown day: only the year counts
            "1985-05-00, Abcd-0005x, ",
            "1985-00-00, Abcd-0514x, ",
            "1985-05-00, Abcd-1985x, CONTAINS_BIRTH_DATE",
            "1985-00-00, Abcd-1985x, CONTAINS_BIRTH_DATE",
    })
    void checkWhenPresumedBirthDateThenOnlyYearChecked(String born, String password, PasswordViolation expected) {
        List<PasswordViolation> violations = PasswordPolicy.check(password, password, JEAN_PIERRE,
                BirthDate.parseIso(born, TODAY));

        assertThat(violations).isEqualTo(expected == null ? List.of() : List.of(expected));
    }

    @ParameterizedTest
    @CsvSource({
            "Ameli-Demo-2026, ameli-demo-2026",
            "Ameli-Demo-2026, 'Ameli-Demo-2026 '",
            "Ameli-Demo-2026, ' Ameli-Demo-2026'",
            "Ameli-Demo-2026, Ameli-Demo-2027",
            "Ameli-Demo-2026, ''",
    })
    void checkWhenConfirmationDiffersThenConfirmationMismatch(String password, String confirmation) {
        assertThat(PasswordPolicy.check(password, confirmation, CLAIRE, CLAIRE_BORN))
                .containsExactly(CONFIRMATION_MISMATCH);
    }

    @Test
    void checkWhenConfirmationNullThenConfirmationMismatch() {
        assertThat(PasswordPolicy.check("Ameli-Demo-2026", null, CLAIRE, CLAIRE_BORN))
                .containsExactly(CONFIRMATION_MISMATCH);
    }

    @Test
    void checkWhenPasswordNullThenEmptyPasswordViolations() {
        assertThat(PasswordPolicy.check(null, null, CLAIRE, CLAIRE_BORN))
                .containsExactly(TOO_SHORT, MISSING_LOWERCASE, MISSING_UPPERCASE, MISSING_DIGIT_OR_SPECIAL);
    }

    @Test
    void checkWhenEverythingWrongThenAllViolationsInEnumOrder() {
        String password = "é 2850 1985" + "x".repeat(40);

        assertThat(PasswordPolicy.check(password, "other", CLAIRE, CLAIRE_BORN))
                .containsExactly(TOO_LONG, FORBIDDEN_CHARACTER, MISSING_UPPERCASE, CONTAINS_NIR, CONTAINS_BIRTH_DATE,
                        CONFIRMATION_MISMATCH);
    }

    @Test
    void checkWhenCalledThenResultIsUnmodifiable() {
        List<PasswordViolation> violations = checkForClaire("abc");

        assertThat(violations).isUnmodifiable();
    }

    @ParameterizedTest
    @CsvSource({
            // password,            strength   (length, classes)
            "Abcdefg1,              FAIBLE",   // 8, 3
            "Abcdef-1,              FAIBLE",   // 8, 4
            "Abcdefgh1,             FAIBLE",   // 9, 3
            "Abcdefg-1,             FAIBLE",   // 9, 4
            "Abcdefghi1,            FAIBLE",   // 10, 3
            "Abcdefgh-1,            MOYEN",    // 10, 4
            "Abcdefghij1,           FAIBLE",   // 11, 3
            "Abcdefghi-1,           MOYEN",    // 11, 4
            "Abcdefghijk1,          MOYEN",    // 12, 3
            "Abcdefghijk!,          MOYEN",    // 12, 3 (special instead of digit)
            "Abcdefghij-1,          ELEVE",    // 12, 4
            "Abcdefghijklmn1,       MOYEN",    // 15, 3
            "Ameli-Demo-2026,       ELEVE",    // 15, 4: the seed's screenshot shows « élevé »
            "Abcdefghijklmno1,      ELEVE",    // 16, 3: passphrase
            "Correcthorsebatterystaple!, ELEVE",
            "abcdefghij-1,          FAIBLE",   // no upper case: invalid
            "ABCDEFGHIJ-1,          FAIBLE",   // no lower case: invalid
            "Abcdefghijklmnopqrs,   FAIBLE",   // no digit nor special: invalid
            "Abcdéfghij-1,          FAIBLE",   // forbidden character
            "'Abcd efghij-1',       FAIBLE",   // space
            "'',                    FAIBLE",
    })
    void strengthWhenPasswordThenScoredByLengthAndClasses(String password, PasswordStrength strength) {
        assertThat(PasswordPolicy.strength(password)).isEqualTo(strength);
    }

    @Test
    void strengthWhenTooLongThenFaible() {
        assertThat(PasswordPolicy.strength("Ab-1" + "c".repeat(47))).isEqualTo(PasswordStrength.FAIBLE);
        assertThat(PasswordPolicy.strength("Ab-1" + "c".repeat(46))).isEqualTo(PasswordStrength.ELEVE);
    }

    @Test
    void strengthWhenNullThenFaible() {
        assertThat(PasswordPolicy.strength(null)).isEqualTo(PasswordStrength.FAIBLE);
    }

    @Test
    void specialCharactersWhenReadThenExactlyTheGuideList() {
        char[] listed = PasswordPolicy.SPECIAL_CHARACTERS.toCharArray();
        Arrays.sort(listed);

        assertThat(new String(listed)).isEqualTo("!$%&()*+,-./:;<>?@_");
    }
}
