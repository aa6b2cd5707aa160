package fr.ameli.idp.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The arithmetic of the fixed windows the forgotten-code limits count in. */
class FixedWindowTests {

    @ParameterizedTest(name = "{1} in windows of {0} starts at {2}, ends at {3}")
    @CsvSource({
            "PT1H,  2026-03-01T10:00:00Z, 2026-03-01T10:00:00Z, 2026-03-01T11:00:00Z",
            "PT1H,  2026-03-01T10:59:59Z, 2026-03-01T10:00:00Z, 2026-03-01T11:00:00Z",
            "PT1H,  2026-03-01T11:00:00Z, 2026-03-01T11:00:00Z, 2026-03-01T12:00:00Z",
            "PT24H, 2026-03-01T23:59:59Z, 2026-03-01T00:00:00Z, 2026-03-02T00:00:00Z",
            "PT24H, 2026-03-02T00:00:00Z, 2026-03-02T00:00:00Z, 2026-03-03T00:00:00Z",
            "PT15M, 2026-03-01T10:44:00Z, 2026-03-01T10:30:00Z, 2026-03-01T10:45:00Z",
            "PT1H,  1969-12-31T23:30:00Z, 1969-12-31T23:00:00Z, 1970-01-01T00:00:00Z"
    })
    void startWhenInstantThenWindowBounds(Duration length, Instant now, Instant start, Instant end) {
        FixedWindow window = new FixedWindow(length, 5);
        assertThat(window.start(now)).isEqualTo(start);
        assertThat(window.end(now)).isEqualTo(end);
    }

    @ParameterizedTest(name = "limit {0}: request #{1} allowed = {2}")
    @CsvSource({"5, 1, true", "5, 5, true", "5, 6, false", "20, 20, true", "20, 21, false", "1, 1, true", "1, 2, false"})
    void allowsWhenCountUpToLimitThenTrueBeyondFalse(int limit, int count, boolean allowed) {
        assertThat(new FixedWindow(Duration.ofHours(1), limit).allows(count)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "window {0}, limit {1}: refused")
    @CsvSource({"PT0S, 5", "PT0.5S, 5", "-PT1H, 5", "PT1H, 0"})
    void constructorWhenWindowOrLimitInvalidThenRefused(Duration length, int limit) {
        assertThatIllegalArgumentException().isThrownBy(() -> new FixedWindow(length, limit));
    }
}
