package fr.ameli.idp.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.FrenchIban;
import fr.ameli.idp.registry.Gender;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Scheme;
import fr.ameli.idp.web.error.UpstreamException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The identity pivot's formats (FRANCECONNECT.md claims table) and its match against a registry entry (SPEC 3.3). */
class FederatedIdentityTests {

    static final LocalDate TODAY = LocalDate.of(2026, 1, 15);

    @Test
    void fromWhenPersonThreePivotThenAllClaimsKept() {
        FederatedIdentity identity = FederatedIdentity.from(FakeProvider.person3("sub-3"), TODAY);
        assertThat(identity.sub()).isEqualTo("sub-3");
        assertThat(identity.givenNames()).isEqualTo("Jean-Pierre Louis");
        assertThat(identity.familyName()).isEqualTo("DUPONT");
        assertThat(identity.birthDate().iso()).isEqualTo("1979-06-21");
        assertThat(identity.gender()).isEqualTo(Gender.MALE);
        assertThat(identity.birthplace()).isEqualTo("13055");
        assertThat(identity.birthcountry()).isEqualTo("99100");
        assertThat(identity.toString()).doesNotContain("DUPONT").doesNotContain("sub-3");
    }

    @ParameterizedTest(name = "{0} = \"{1}\" → valid: {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "birthdate    | 1979-06-00   | true",
            "birthdate    | 1979-00-00   | true",
            "birthdate    | 1979-00-21   | false",
            "birthdate    | 1979-02-30   | false",
            "birthdate    | 21/06/1979   | false",
            "birthdate    | 2027-01-01   | false",
            "birthdate    | NULL         | false",
            "gender       | female       | true",
            "gender       | unspecified  | true",
            "gender       | M            | false",
            "given_name   | ''           | false",
            "family_name  | NULL         | false",
            "sub          | ''           | false",
            "sub          | sujet é      | false",
            "email        | NULL         | true",
            "email        | pas-un-email | false",
            "birthplace   | 2A004        | true",
            "birthplace   | 2a004        | true",
            "birthplace   | ''           | false",
            "birthplace   | NULL         | false",
            "birthplace   | 1305         | false",
            "birthplace   | 99100        | false",
            "birthcountry | 100          | false",
            "birthcountry | 13055        | false",
    })
    void fromWhenOneClaimChangedThenValidatedAsFranceConnectDoes(String claim, String value, boolean valid) {
        Map<String, Object> claims = new HashMap<>(FakeProvider.person3("sub-3"));
        claims.put(claim, value);
        if (value == null) {
            claims.remove(claim);
        }
        if (valid) {
            assertThat(FederatedIdentity.from(claims, TODAY)).isNotNull();
        } else {
            assertThatThrownBy(() -> FederatedIdentity.from(claims, TODAY)).isInstanceOf(UpstreamException.class)
                    .hasMessageStartingWith("invalid_pivot (");
            if (value != null && !value.isEmpty()) {
                // The claim's name may be logged, never its value.
                assertThatThrownBy(() -> FederatedIdentity.from(claims, TODAY)).hasMessageNotContaining(value);
            }
        }
    }

    @ParameterizedTest(name = "abroad: birthplace \"{0}\" → valid: {1}")
    @CsvSource(nullValues = "NULL", value = {"'', true", "NULL, true", "13055, false"})
    void fromWhenBornAbroadThenBirthplaceMustBeEmpty(String birthplace, boolean valid) {
        Map<String, Object> claims = new HashMap<>(FakeProvider.pivot("s", "Louis", "PETIT", "1955-05-02", "male", "", "99350"));
        claims.put("birthplace", birthplace);
        if (birthplace == null) {
            claims.remove("birthplace");
        }
        if (valid) {
            assertThat(FederatedIdentity.from(claims, TODAY).birthplace()).isNull();
        } else {
            assertThatThrownBy(() -> FederatedIdentity.from(claims, TODAY)).isInstanceOf(UpstreamException.class);
        }
    }

    @Test
    void fromWhenClaimNotAStringThenInvalid() {
        Map<String, Object> claims = new HashMap<>(FakeProvider.person3("sub-3"));
        claims.put("birthdate", 19790621);
        assertThatThrownBy(() -> FederatedIdentity.from(claims, TODAY)).hasMessage("invalid_pivot (birthdate)");
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} → {5}")
    @CsvSource(delimiter = '|', value = {
            "Jean-Pierre Louis | DUPONT  | 1979-06-21 | 13055 | 99100 | true",
            "jean pierre louis | Dupont  | 1979-06-21 | 13055 | 99100 | true",
            "JEAN-PIERRE-LOUIS | DUPONT  | 1979-06-21 | 13055 | 99100 | true",
            "Jéan-Pierre Louis | DÚPONT  | 1979-06-21 | 13055 | 99100 | true",
            "Jean-Pierre       | DUPONT  | 1979-06-21 | 13055 | 99100 | false",
            "Louis Jean-Pierre | DUPONT  | 1979-06-21 | 13055 | 99100 | false",
            "Jean-Pierre Louis | DUPOND  | 1979-06-21 | 13055 | 99100 | false",
            "Jean-Pierre Louis | DUPONT  | 1979-06-00 | 13055 | 99100 | false",
            "Jean-Pierre Louis | DUPONT  | 1979-06-21 | 13001 | 99100 | false",
    })
    void matchesWhenPivotComparedToPersonThreeThenEveryPartCounts(String given, String family, String birthdate,
            String birthplace, String country, boolean expected) {
        FederatedIdentity identity = FederatedIdentity.from(FakeProvider.pivot("s", given, family, birthdate, "male",
                birthplace, country), TODAY);
        assertThat(PivotMatch.matches(personThree(), identity)).isEqualTo(expected);
    }

    @Test
    void matchesWhenPresumedDateOnBothSidesThenEqual() {
        InsuredPerson presumed = new InsuredPerson(Nir.parse("1790613055042"), "DUPONT", null, "Jean-Pierre Louis", Gender.MALE,
                BirthDate.parseIso("1979-00-00", TODAY), "13055", "99100", "13001", List.of(), Scheme.REGIME_GENERAL, true,
                null, false, List.of(), null, false);
        FederatedIdentity identity = FederatedIdentity.from(FakeProvider.pivot("s", "Jean-Pierre Louis", "DUPONT",
                "1979-00-00", "male", "13055", "99100"), TODAY);
        assertThat(PivotMatch.matches(presumed, identity)).isTrue();
    }

    @ParameterizedTest(name = "acr {0} for {1} → {2}")
    @CsvSource(nullValues = "NULL", value = {"eidas1, eidas1, true", "eidas2, eidas1, true", "eidas3, eidas2, true",
            "eidas1, eidas2, false", "NULL, eidas1, false", "eidas0, eidas1, false", "custom, custom, true",
            "eidas2, custom, false", "NULL, '', true"})
    void acrReachesWhenComparedThenEidasOrder(String acr, String required, boolean expected) {
        assertThat(IdTokenValidator.acrReaches(acr, required)).isEqualTo(expected);
    }

    private static InsuredPerson personThree() {
        return new InsuredPerson(Nir.parse("1790613055042"), "DUPONT", "DUPONT", "Jean-Pierre Louis", Gender.MALE,
                BirthDate.parseIso("1979-06-21", TODAY), "13055", "99100", "13001", List.of(), Scheme.REGIME_GENERAL, true,
                "802500000311122233344", true, List.of(FrenchIban.parse("FR76 1027 8060 4000 0204 7160 134")), null, false);
    }
}
