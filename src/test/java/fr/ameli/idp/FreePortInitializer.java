package fr.ameli.idp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each test application context its own port, and an issuer URL that matches it; the management (actuator)
 * and operator ports are any free ones ({@code local.management.port}, {@code local.operator.port}).
 */
public class FreePortInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-port",
                Map.of("server.port", port, "idp.issuer", "http://localhost:" + port,
                        "management.server.port", 0, "idp.operator.port", 0)));
    }
}
