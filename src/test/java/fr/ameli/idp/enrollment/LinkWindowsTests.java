package fr.ameli.idp.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The 7/21-day windows of seed 001 (and the 21-day link of seed 004) as a pure rule. */
class LinkWindowsTests {

    private static final Instant SENT = Instant.parse("2026-03-01T10:00:00Z");

    @ParameterizedTest(name = "valid {0}, forgotten after {1}: at +{2} → {3}")
    @CsvSource(nullValues = "-", value = {
            // provisional-code path: 7 days valid, resendable until 21 days, then forgotten
            "P7D,  P21D, PT0S,        LIVE",
            "P7D,  P21D, P6DT23H59M,  LIVE",
            "P7D,  P21D, P7D,         EXPIRED",
            "P7D,  P21D, P14D,        EXPIRED",
            "P7D,  P21D, P20DT23H59M, EXPIRED",
            "P7D,  P21D, P21D,        FORGOTTEN",
            "P7D,  P21D, P90D,        FORGOTTEN",
            // carte Vitale and federated paths: 21 days valid, the address is kept
            "P21D, -,    P20D,        LIVE",
            "P21D, -,    P21D,        EXPIRED",
            "P21D, -,    P365D,       EXPIRED",
            // configured otherwise
            "PT1H, PT2H, PT59M,       LIVE",
            "PT1H, PT2H, PT1H30M,     EXPIRED",
            "PT1H, PT2H, PT2H,        FORGOTTEN",
            "PT1H, PT1H, PT1H,        FORGOTTEN"
    })
    void phaseWhenTimePassesThenLiveThenExpiredThenForgotten(Duration validity, Duration forgetAfter, Duration elapsed,
            LinkWindows.Phase expected) {
        assertThat(new LinkWindows(validity, forgetAfter).phase(SENT, SENT.plus(elapsed))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "valid {0}, forgotten after {1}: refused")
    @CsvSource({"PT0S, P21D", "P7D, P6D", "-PT1S, P1D"})
    void constructorWhenWindowsInconsistentThenRefused(Duration validity, Duration forgetAfter) {
        assertThatIllegalArgumentException().isThrownBy(() -> new LinkWindows(validity, forgetAfter));
    }
}
