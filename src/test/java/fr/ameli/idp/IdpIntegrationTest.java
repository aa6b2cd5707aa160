package fr.ameli.idp;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole service on a random port, on the embedded PostgreSQL and SMTP the suite starts itself
 * (one of each per test JVM), with the demo data of DEMO-DATA.md loaded, and the SQL statements of requests
 * that ask for it counted ({@link SqlStatements}). Each application context gets
 * a free port of its own, and the issuer that goes with it (the discovery document is built at start-up), plus
 * a management port ({@code @LocalManagementPort}) and an operator port ({@code @Value("${local.operator.port}")}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        // inline properties outrank ./config/application.yml, which a profile file on the classpath would not
        "idp.embedded.data-dir=target/embedded-pg",
        "idp.embedded.clean=true",
        "idp.embedded.smtp-port=0",
        "logging.level.root=WARN",
        "logging.level.fr.ameli.idp=INFO",
        "idp.operator.token=" + OperatorApi.TOKEN,
        // mail outbox: tests wait for delivery, so the sender polls more often than the 2 s default
        "idp.mail.poll-interval=250ms",
        // back-channel logout outbox: the same, and a first retry after 1 s instead of 5 s
        "idp.backchannel-logout.poll-interval=250ms",
        "idp.backchannel-logout.initial-backoff=1s"
})
@ActiveProfiles("test")
@ContextConfiguration(initializers = FreePortInitializer.class)
@Import({TestClockConfiguration.class, SentMails.class, SqlStatements.class, PipelineRequests.class})
public @interface IdpIntegrationTest {
}
