package fr.ameli.idp.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PasswordViolationTests {

    @ParameterizedTest
    @EnumSource(PasswordViolation.class)
    void messageKeyWhenViolationThenFrenchTextExists(PasswordViolation violation) throws Exception {
        Properties messages = new Properties();
        try (Reader in = new InputStreamReader(getClass().getResourceAsStream("/messages.properties"), StandardCharsets.UTF_8)) {
            messages.load(in);
        }
        assertThat(messages.getProperty(violation.messageKey())).isNotBlank();
    }

    @Test
    void messageKeyWhenAllViolationsThenOneKeyEach() {
        assertThat(Arrays.stream(PasswordViolation.values()).map(PasswordViolation::messageKey).distinct())
                .hasSize(PasswordViolation.values().length);
    }
}
