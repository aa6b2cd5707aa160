package fr.ameli.idp.account;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.account.Argon2idEncoder.Parameters;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/** The C and the Java computation give the same hashes, in the format Spring Security's encoder reads and writes. */
class Argon2idEncoderTests {

    static final Parameters SMALL = new Parameters(1024, 2, 1);

    final Argon2idEncoder reference = new Argon2idEncoder(SMALL, 2);
    final Argon2idEncoder java = new Argon2idEncoder(SMALL, 2, false);

    @Test
    void referenceWhenLoadedOnThisPlatformThenNative() {
        // The build machines (Linux x86-64, macOS) are platforms the library is bundled for.
        assertThat(reference.isNative()).isTrue();
        assertThat(java.isNative()).isFalse();
    }

    @Test
    void encodeWhenEitherImplementationThenTheOtherVerifiesIt() {
        String byC = reference.encode("Motdepasse-1");
        String byJava = java.encode("Motdepasse-1");

        assertThat(byC).startsWith("$argon2id$v=19$m=1024,t=2,p=1$");
        assertThat(java.matches("Motdepasse-1", byC)).isTrue();
        assertThat(reference.matches("Motdepasse-1", byJava)).isTrue();
        assertThat(reference.matches("Motdepasse-2", byJava)).isFalse();
        assertThat(java.matches("Motdepasse-2", byC)).isFalse();
    }

    @Test
    void encodeWhenSpringSecurityEncoderThenCompatibleBothWays() {
        Argon2PasswordEncoder spring = new Argon2PasswordEncoder(16, 32, 1, 1024, 2);
        String bySpring = spring.encode("éàç ünïcode");
        String byUs = reference.encode("éàç ünïcode");

        assertThat(reference.matches("éàç ünïcode", bySpring)).isTrue();
        assertThat(spring.matches("éàç ünïcode", byUs)).isTrue();
        assertThat(reference.matches("eac unicode", bySpring)).isFalse();
    }

    @Test
    void encodeWhenEmptyPasswordThenHashedAndVerifiedLikeAnyOther() {
        String empty = reference.encode("");

        assertThat(reference.matches("", empty)).isTrue();
        assertThat(java.matches("", empty)).isTrue();
        assertThat(reference.matches("x", empty)).isFalse();
        assertThat(reference.matches("", reference.encode("x"))).isFalse();
        assertThat(reference.matches(null, empty)).isTrue();
    }

    @Test
    void encodeWhenSamePasswordTwiceThenDifferentSalts() {
        assertThat(reference.encode("x")).isNotEqualTo(reference.encode("x"));
    }

    @Test
    void matchesWhenStoredValueMalformedThenFalseWithoutException() {
        String good = reference.encode("pw");
        for (String bad : new String[] {null, "", "pw", "$argon2i$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
                good.replace("v=19", "v=16"), good.replace("m=1024", "m=4"), good.replace("m=1024", "m=99999999"),
                good.replace("t=2", "t=0"), good.substring(0, good.length() - 3) + "!!!", good + "$"}) {
            assertThat(reference.matches("pw", bad)).as(bad).isFalse();
        }
    }

    @Test
    void upgradeEncodingWhenStoredWithWeakerParametersThenTrue() {
        Argon2idEncoder owasp = new Argon2idEncoder(new Parameters(2048, 2, 1), 1);

        assertThat(owasp.upgradeEncoding(reference.encode("pw"))).isTrue();
        assertThat(owasp.upgradeEncoding(new Argon2idEncoder(new Parameters(2048, 1, 1), 1).encode("pw"))).isTrue();
        assertThat(owasp.upgradeEncoding(owasp.encode("pw"))).isFalse();
        assertThat(reference.upgradeEncoding(owasp.encode("pw"))).isFalse();
        assertThat(owasp.upgradeEncoding("not a hash")).isTrue();
    }
}
