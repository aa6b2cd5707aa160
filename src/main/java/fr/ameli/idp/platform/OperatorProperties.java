package fr.ameli.idp.platform;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator API (client registration, counter codes): its bearer {@code token} (IDP_OPERATOR_TOKEN) and the
 * internal {@code port} it is served on, never the public one. No token: no operator API, no operator port.
 * A token shorter than {@value #MINIMUM_TOKEN_BYTES} bytes stops the start-up: it would be guessable.
 */
@ConfigurationProperties("idp.operator")
public record OperatorProperties(@Nullable String token, @DefaultValue("8082") int port) {

    /** 256 bits, as the output of {@code openssl rand -base64 32}. */
    public static final int MINIMUM_TOKEN_BYTES = 32;

    public OperatorProperties {
        if (token != null && token.isBlank()) {
            token = null;
        }
        // The token is compared after trimming (OperatorAccess), so its length is counted the same way.
        if (token != null && token.trim().getBytes(StandardCharsets.UTF_8).length < MINIMUM_TOKEN_BYTES) {
            throw new IllegalArgumentException("idp.operator.token (IDP_OPERATOR_TOKEN) is shorter than "
                    + MINIMUM_TOKEN_BYTES + " bytes: use a random one (openssl rand -base64 32), or leave it empty to "
                    + "switch the operator API off");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("idp.operator.port must be a TCP port (0 for any free one)");
        }
    }

    public boolean enabled() {
        return token != null;
    }
}
