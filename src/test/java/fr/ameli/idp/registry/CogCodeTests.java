package fr.ameli.idp.registry;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class CogCodeTests {

    @ParameterizedTest
    @CsvSource({
            // code,   commune, country
            "75112,    true,    false",   // DEMO-DATA birthplaces
            "28010,    true,    false",
            "13055,    true,    false",
            "69123,    true,    false",
            "33063,    true,    false",
            "31555,    true,    false",
            "2A004,    true,    false",   // Ajaccio
            "2B033,    true,    false",   // Bastia
            "01001,    true,    false",
            "97411,    true,    false",   // overseas department (La Réunion)
            "98735,    true,    false",   // overseas collectivity
            "99100,    false,   true",    // France
            "99350,    false,   true",    // DEMO-DATA: Morocco
            "99999,    false,   true",
            "2a004,    false,   false",   // lower case is not the claim format
            "2C004,    false,   false",
            "3A004,    false,   false",
            "7511,     false,   false",
            "751120,   false,   false",
            "9910,     false,   false",
            "991000,   false,   false",
            "7511A,    false,   false",
            "'75112 ', false,   false",
            "' 99100', false,   false",
            "'',       false,   false",
    })
    void isCommuneAndIsCountryWhenCodeThenClassified(String code, boolean commune, boolean country) {
        assertThat(CogCode.isCommune(code)).isEqualTo(commune);
        assertThat(CogCode.isCountry(code)).isEqualTo(country);
    }

    @Test
    void isCommuneAndIsCountryWhenNullThenFalse() {
        assertThat(CogCode.isCommune(null)).isFalse();
        assertThat(CogCode.isCountry(null)).isFalse();
    }

    @Test
    void franceWhenReadThenIsACountry() {
        assertThat(CogCode.FRANCE).isEqualTo("99100");
        assertThat(CogCode.isCountry(CogCode.FRANCE)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            // birthplace, birthcountry, problem (NULL = valid)
            "75112, 99100, NULL",
            "13055, 99100, NULL",
            "2A004, 99100, NULL",
            "'',    99350, NULL",
            "NULL,  99350, NULL",
            "NULL,  99134, NULL",
            "NULL,  99100, MISSING_BIRTHPLACE",
            "'',    99100, MISSING_BIRTHPLACE",
            "99350, 99100, INVALID_BIRTHPLACE",
            "7511,  99100, INVALID_BIRTHPLACE",
            "' ',   99100, INVALID_BIRTHPLACE",
            "75112, 99350, UNEXPECTED_BIRTHPLACE",
            "' ',   99350, UNEXPECTED_BIRTHPLACE",
            "75112, 75112, INVALID_COUNTRY",
            "75112, NULL,  INVALID_COUNTRY",
            "NULL,  '',    INVALID_COUNTRY",
            "NULL,  FR,    INVALID_COUNTRY",
    })
    void checkBirthPlaceWhenPairThenProblemOrNone(String birthplace, String birthcountry,
            CogCode.BirthPlaceProblem problem) {
        assertThat(CogCode.checkBirthPlace(birthplace, birthcountry)).isEqualTo(Optional.ofNullable(problem));
        assertThat(CogCode.isValidBirthPlace(birthplace, birthcountry)).isEqualTo(problem == null);
    }
}
