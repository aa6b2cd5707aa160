package fr.ameli.idp.account;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmailAddressTests {

    @ParameterizedTest
    @CsvSource({
            // typed,                        normalized,                  canonical,                   masked
            "claire.martin@example.fr,       claire.martin@example.fr,    claire.martin@example.fr,    c****@example.fr",
            "Claire.Martin@Example.FR,       Claire.Martin@example.fr,    claire.martin@example.fr,    C****@example.fr",
            "'  r.dupont@hotmail.com  ',     r.dupont@hotmail.com,        r.dupont@hotmail.com,        r****@hotmail.com",
            "r@hotmail.com,                  r@hotmail.com,               r@hotmail.com,               r****@hotmail.com",
            "jean-pierre+ameli@mail.example.org, jean-pierre+ameli@mail.example.org, jean-pierre+ameli@mail.example.org, j****@mail.example.org",
            "o'neil@example.co.uk,           o'neil@example.co.uk,        o'neil@example.co.uk,        o****@example.co.uk",
            "a_b!#$%&*/=?^`{|}~-c@x-y.fr,    a_b!#$%&*/=?^`{|}~-c@x-y.fr, a_b!#$%&*/=?^`{|}~-c@x-y.fr, a****@x-y.fr",
            "user@xn--bcher-kva.example,     user@xn--bcher-kva.example,  user@xn--bcher-kva.example,  u****@xn--bcher-kva.example",
            "user@123.example.fr,            user@123.example.fr,         user@123.example.fr,         u****@123.example.fr",
    })
    void parseWhenValidThenForms(String raw, String normalized, String canonical, String masked) {
        EmailAddress email = EmailAddress.parse(raw);

        assertThat(email.normalized()).isEqualTo(normalized);
        assertThat(email.canonical()).isEqualTo(canonical);
        assertThat(email.masked()).isEqualTo(masked);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n"})
    void parseWhenNothingTypedThenEmpty(String raw) {
        assertReason(raw, InvalidEmailException.Reason.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "claire.martinexample.fr",       // no @
            "claire@martin@example.fr",      // two @
            "claire martin@example.fr",      // space inside
            "claire.martin@example .fr",
            "claire\tmartin@example.fr",
            "claire.martin@exa\u00a0mple.fr",
    })
    void parseWhenNotOneAtOrSpaceInsideThenFormat(String raw) {
        assertReason(raw, InvalidEmailException.Reason.FORMAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "@example.fr",
            ".claire@example.fr",
            "claire.@example.fr",
            "claire..martin@example.fr",
            "\"claire\"@example.fr",
            "claire(martin)@example.fr",
            "clai,re@example.fr",
            "clai;re@example.fr",
            "clai<re>@example.fr",
            "clai[re]@example.fr",
            "clai\\re@example.fr",
            "clàire@example.fr",
            "claire:martin@example.fr",
    })
    void parseWhenLocalPartInvalidThenLocalPart(String raw) {
        assertReason(raw, InvalidEmailException.Reason.LOCAL_PART);
    }

    @Test
    void parseWhenLocalPartSixtyFourThenAcceptedSixtyFiveThenLocalPart() {
        assertThat(EmailAddress.isValid("a".repeat(64) + "@example.fr")).isTrue();
        assertReason("a".repeat(65) + "@example.fr", InvalidEmailException.Reason.LOCAL_PART);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "claire@",
            "claire@localhost",              // no dot
            "claire@example.",               // empty last label
            "claire@.example.fr",
            "claire@example..fr",
            "claire@-example.fr",
            "claire@example-.fr",
            "claire@exa_mple.fr",
            "claire@exämple.fr",             // internationalised domain not in xn-- form
            "claire@192.168.1.10",           // IP address
            "claire@[192.168.1.10]",
            "claire@example.123",
    })
    void parseWhenDomainInvalidThenDomain(String raw) {
        assertReason(raw, InvalidEmailException.Reason.DOMAIN);
    }

    @Test
    void parseWhenLabelSixtyThreeThenAcceptedSixtyFourThenDomain() {
        assertThat(EmailAddress.isValid("claire@" + "a".repeat(63) + ".fr")).isTrue();
        assertReason("claire@" + "a".repeat(64) + ".fr", InvalidEmailException.Reason.DOMAIN);
    }

    @Test
    void parseWhenTwoHundredFiftyFourThenAcceptedTwoHundredFiftyFiveThenTooLong() {
        String domain254 = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".fr";
        String exact = "e@" + domain254.substring(domain254.length() - 252);
        assertThat(exact).hasSize(254);
        String longer = "ee" + exact.substring(1);
        assertThat(longer).hasSize(255);

        assertThat(EmailAddress.isValid(exact)).isTrue();
        assertReason(longer, InvalidEmailException.Reason.TOO_LONG);
        assertThat(EmailAddress.isValid("  " + exact + "  ")).isTrue();
    }

    @Test
    void equalsWhenSameAddressInAnotherCaseThenEqual() {
        EmailAddress a = EmailAddress.parse("Claire.Martin@Example.fr");
        EmailAddress b = EmailAddress.parse("claire.martin@example.FR");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(EmailAddress.parse("claire.martin2@example.fr"));
        assertThat(a).isNotEqualTo(EmailAddress.parse("clairemartin@example.fr"));
    }

    @Test
    void parseWhenRefusedThenMessageDoesNotContainTheAddress() {
        assertThatThrownBy(() -> EmailAddress.parse("claire..martin@example.fr"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("claire").doesNotContain("example"));
    }

    @Test
    void toStringWhenAnyAddressThenMasked() {
        assertThat(EmailAddress.parse("claire.martin@example.fr").toString())
                .isEqualTo("EmailAddress[c****@example.fr]")
                .doesNotContain("claire");
    }

    @Test
    void domainWhenParsedThenLowerCase() {
        assertThat(EmailAddress.parse("Claire@Example.FR").domain()).isEqualTo("example.fr");
    }

    private static void assertReason(String raw, InvalidEmailException.Reason reason) {
        assertThatThrownBy(() -> EmailAddress.parse(raw))
                .isInstanceOfSatisfying(InvalidEmailException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(reason));
    }
}
