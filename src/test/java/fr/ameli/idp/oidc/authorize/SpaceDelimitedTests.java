package fr.ameli.idp.oidc.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SpaceDelimitedTests {

    @Test
    void valuesWhenSpacesRunOrSurroundThenOneValueEach() {
        assertThat(SpaceDelimited.values("openid")).containsExactly("openid");
        assertThat(SpaceDelimited.values("openid profile email")).containsExactly("openid", "profile", "email");
        assertThat(SpaceDelimited.values("  openid   profile ")).containsExactly("openid", "profile");
    }

    @Test
    void valuesWhenEmptyOrBlankThenOneEmptyValue() {
        // what the checks then refuse (no openid, an unknown prompt value), as before
        assertThat(SpaceDelimited.values("")).containsExactly("");
        assertThat(SpaceDelimited.values("   ")).containsExactly("");
    }

    @Test
    void valuesWhenOtherWhitespaceInsideThenNotASeparator() {
        // RFC 6749 3.3: %x20 only; a tab inside stays in the value (and fails the checks)
        assertThat(SpaceDelimited.values("openid\tprofile")).containsExactly("openid\tprofile");
        assertThat(SpaceDelimited.values("\topenid profile\n")).containsExactly("openid", "profile");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "openid", " openid", "openid ", "openid  profile", " a b  c ", "a\u00a0b", "\ta b\t",
            "openid profile email birth", "login consent", "eidas1  eidas2"})
    void valuesWhenAnyParameterThenAsTrimThenSplitOnSpaces(String parameter) {
        assertThat(SpaceDelimited.values(parameter)).containsExactly(parameter.trim().split(" +"));
    }
}
