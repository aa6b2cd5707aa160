package fr.ameli.idp.mail;

import static fr.ameli.idp.mail.MailTestSupport.await;
import static fr.ameli.idp.mail.MailTestSupport.messagesTo;
import static fr.ameli.idp.mail.MailTestSupport.newRecipient;
import static fr.ameli.idp.mail.MailTestSupport.row;
import static fr.ameli.idp.mail.MailTestSupport.sent;
import static fr.ameli.idp.mail.MailTestSupport.smtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.platform.BackgroundJobLoop;
import fr.ameli.idp.platform.BackgroundJobs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

@IdpIntegrationTest
class MailSenderTests {

    static final Duration DELIVERY = Duration.ofSeconds(20);

    @Autowired
    MailOutbox outbox;

    @Autowired
    MailTemplates templates;

    @Autowired
    DatabaseClient db;

    @Autowired
    JavaMailSender javaMailSender;

    @Autowired
    BackgroundJobs jobs;

    @Autowired
    ConnectionFactory connections;

    @Autowired
    MutableClock clock;

    @LocalServerPort
    int port;

    @org.springframework.boot.test.web.server.LocalManagementPort
    int managementPort;

    @AfterEach
    void restore() {
        GreenMail server = smtp();
        if (!server.isRunning()) {
            server.start();
        }
        clock.reset();
        jobs.start("mail-sender");
    }

    @Test
    void pollWhenSmtpDownThenMailKeptAndRetriedThenDeliveredOnceAfterRecovery() {
        String recipient = newRecipient("panne");
        GreenMail server = smtp();
        server.stop();

        Instant enqueuedAt = clock.instant();
        outbox.enqueue(confirmation(recipient)).block();
        await(DELIVERY, () -> row(db, recipient).attempts() > 0);

        MailTestSupport.OutboxRow failed = row(db, recipient);
        assertThat(failed.sentAt()).isNull();
        assertThat(failed.textBody()).contains("Pour activer votre compte ameli");
        assertThat(failed.lastError()).contains("org.springframework.mail.MailSendException")
                .doesNotContain("@", "example.org");
        assertThat(failed.nextAttemptAt()).isAfterOrEqualTo(enqueuedAt.plusSeconds(5));

        server.start();
        // Past any backoff (at most idp.mail.max-backoff, 10 min): the next poll retries at once.
        clock.advance(Duration.ofMinutes(11));
        await(DELIVERY, () -> sent(db, recipient));

        assertThat(messagesTo(recipient)).hasSize(1);
        MailTestSupport.OutboxRow delivered = row(db, recipient);
        assertThat(delivered.attempts()).isEqualTo(failed.attempts());
        assertThat(delivered.lockedUntil()).isNull();
    }

    @Test
    void pollWhenTwoSendersShareTheTableThenEachMailSentExactlyOnce() {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            recipients.add(newRecipient("concurrent" + i));
        }
        Flux.fromIterable(recipients).concatMap(r -> outbox.enqueue(confirmation(r))).blockLast();
        MailProperties fast = properties(Duration.ofMillis(20), 3, 50, Duration.ofSeconds(5));
        MailSender first = new MailSender(db, javaMailSender, clock, fast, new SimpleMeterRegistry());
        MailSender second = new MailSender(db, javaMailSender, clock, fast, new SimpleMeterRegistry());
        BackgroundJobLoop firstLoop = new BackgroundJobLoop(first, new SimpleMeterRegistry(), clock);
        BackgroundJobLoop secondLoop = new BackgroundJobLoop(second, new SimpleMeterRegistry(), clock);

        firstLoop.start();
        secondLoop.start();
        try {
            await(Duration.ofSeconds(60), () -> recipients.stream().allMatch(r -> sent(db, r)));
        } finally {
            firstLoop.stop();
            secondLoop.stop();
            first.destroy();
            second.destroy();
        }

        // The application's own sender polled the table too: three senders, still one mail each.
        for (String r : recipients) {
            assertThat(messagesTo(r)).as("mails to %s", r).hasSize(1);
        }
    }

    @Test
    void claimWhenLeaseHeldThenSkippedAndWhenLeaseOverThenClaimedAgain() {
        jobs.stop("mail-sender");
        String recipient = newRecipient("bail");
        outbox.enqueue(confirmation(recipient)).block();
        UUID id = row(db, recipient).id();
        MailProperties props = properties(Duration.ofSeconds(1), 1000, 50, Duration.ofSeconds(5));
        MailSender first = new MailSender(db, javaMailSender, clock, props, new SimpleMeterRegistry());
        MailSender second = new MailSender(db, javaMailSender, clock, props, new SimpleMeterRegistry());
        try {
            List<UUID> claimedByFirst = ids(first, Duration.ZERO);
            List<UUID> claimedBySecond = ids(second, Duration.ZERO);
            // An instance that dies keeps the lease until it ends; then another instance takes the mail over.
            List<UUID> afterLease = ids(second, props.lease().plusSeconds(1));

            assertThat(claimedByFirst).contains(id);
            assertThat(claimedBySecond).doesNotContain(id);
            assertThat(afterLease).contains(id);
        } finally {
            first.destroy();
            second.destroy();
            db.sql("delete from mail_outbox where id = :id").bind("id", id).fetch().rowsUpdated().block();
            releaseLeases();
        }
    }

    @Test
    void deliverWhenHalfTheLeaseIsGoneThenNotSentAndHandedBack() {
        jobs.stop("mail-sender");
        String recipient = newRecipient("tardif");
        outbox.enqueue(confirmation(recipient)).block();
        UUID id = row(db, recipient).id();
        MailSender sender = new MailSender(db, javaMailSender, clock,
                properties(Duration.ofSeconds(1), 1000, 50, Duration.ofSeconds(5)), new SimpleMeterRegistry());
        try {
            MailSender.Claimed claimed = sender.claim(clock.instant()).filter(c -> c.id().equals(id)).blockFirst();
            clock.advance(Duration.ofMinutes(1).plusSeconds(1));

            sender.deliver(claimed).block();

            MailTestSupport.OutboxRow row = row(db, recipient);
            assertThat(row.lockedUntil()).isNull();
            assertThat(row.sentAt()).isNull();
            assertThat(row.attempts()).isZero();
            assertThat(messagesTo(recipient)).isEmpty();
        } finally {
            sender.destroy();
            releaseLeases();
        }
        // Handed back, it goes with the next poll of the application's sender (restarted after each test).
    }

    /**
     * A PostgreSQL restart at the wrong moment: the SMTP server accepted the mail, then the database cannot be reached
     * to record it. The mail must not go a second time once the database is back, even past its lease (found by
     * FaultCampaignTests: the lease ran out and the mail was claimed and sent again).
     */
    @Test
    void pollWhenDatabaseUnreachableAfterSmtpAcceptedThenRecordedOnceBackAndNeverSentTwice() {
        jobs.stop("mail-sender");
        String recipient = newRecipient("redemarrage");
        outbox.enqueue(confirmation(recipient)).block();
        Database database = new Database(connections);
        JavaMailSenderImpl configured = (JavaMailSenderImpl) javaMailSender;
        JavaMailSenderImpl cutsTheDatabaseOnceSent = new JavaMailSenderImpl() {
            @Override
            protected void doSend(jakarta.mail.internet.MimeMessage[] messages, Object[] originals) {
                super.doSend(messages, originals);
                database.reachable = false;
            }
        };
        cutsTheDatabaseOnceSent.setHost(configured.getHost());
        cutsTheDatabaseOnceSent.setPort(configured.getPort());
        MailProperties props = properties(Duration.ofSeconds(1), 1000, 50, Duration.ofSeconds(5));
        MailSender sender = new MailSender(DatabaseClient.create(database), cutsTheDatabaseOnceSent, clock, props,
                new SimpleMeterRegistry());
        try {
            assertThatThrownBy(() -> sender.pollOnce().block()).as("the gauges' query fails too").isNotNull();
            assertThat(messagesTo(recipient)).hasSize(1);
            assertThat(row(db, recipient).sentAt()).isNull();
            assertThat(sender.unrecordedCount()).isEqualTo(1);

            database.reachable = true;
            clock.advance(props.lease().plusSeconds(1)); // its lease has run out: the claim would take it again
            sender.pollOnce().block();
            sender.pollOnce().block();

            assertThat(messagesTo(recipient)).hasSize(1);
            MailTestSupport.OutboxRow recorded = row(db, recipient);
            assertThat(recorded.sentAt()).isNotNull();
            assertThat(recorded.attempts()).isZero();
            assertThat(recorded.lockedUntil()).isNull();
            assertThat(sender.unrecordedCount()).isZero();
        } finally {
            sender.destroy();
            releaseLeases();
        }
    }

    /** The database as the sender sees it: unreachable (as during a PostgreSQL restart) when {@code reachable} is false. */
    static final class Database implements ConnectionFactory {

        private final ConnectionFactory delegate;
        volatile boolean reachable = true;

        Database(ConnectionFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public org.reactivestreams.Publisher<? extends Connection> create() {
            return reachable ? delegate.create()
                    : reactor.core.publisher.Mono.error(new R2dbcNonTransientResourceException("Connection refused (test)"));
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return delegate.getMetadata();
        }
    }

    /**
     * The SMTP server accepted the mail, then went away while the connection was being closed (QUIT): Spring reports
     * a failure although the mail is delivered. Counting it as failed would send it again (found by
     * FaultCampaignTests: the SMTP server stopped the instant it had accepted a mail, the mail arrived twice).
     */
    @Test
    void pollWhenTheServerGoesAwayAfterAcceptingTheMailThenRecordedAsSentAndNotSentAgain() throws IOException {
        jobs.stop("mail-sender");
        String recipient = newRecipient("coupure");
        outbox.enqueue(confirmation(recipient)).block();
        try (GoesAwayOnQuit server = new GoesAwayOnQuit()) {
            JavaMailSenderImpl smtp = new JavaMailSenderImpl();
            smtp.setHost("127.0.0.1");
            smtp.setPort(server.port());
            MailSender sender = new MailSender(db, smtp, clock,
                    properties(Duration.ofSeconds(1), 1000, 50, Duration.ofSeconds(5)), new SimpleMeterRegistry());
            try {
                sender.pollOnce().block();
                // Past any backoff (at most 10 min): a mail counted as failed would go again now.
                clock.advance(Duration.ofMinutes(11));
                sender.pollOnce().block();

                assertThat(server.resets()).as("the connection reset at QUIT, after the mail").isPositive();
                assertThat(server.recipients()).filteredOn(recipient::equals).hasSize(1);
                MailTestSupport.OutboxRow recorded = row(db, recipient);
                assertThat(recorded.sentAt()).isNotNull();
                assertThat(recorded.attempts()).isZero();
                assertThat(recorded.lastError()).isNull();
            } finally {
                sender.destroy();
                releaseLeases();
            }
        }
    }

    /**
     * An SMTP server, on a real socket, that accepts every mail and resets the connection when the client says QUIT:
     * a server stopped the instant after it accepted a mail.
     */
    static final class GoesAwayOnQuit implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<String> recipients = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger resets = new java.util.concurrent.atomic.AtomicInteger();

        GoesAwayOnQuit() throws IOException {
            Thread.ofPlatform().daemon().name("smtp-goes-away-on-quit").start(this::serve);
        }

        int port() {
            return socket.getLocalPort();
        }

        /** How many connections it reset at QUIT. */
        int resets() {
            return resets.get();
        }

        /** The envelope recipient of each mail accepted. */
        List<String> recipients() {
            return recipients;
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                    Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII);
                    reply(out, "220 localhost ESMTP");
                    String recipient = null;
                    boolean data = false;
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        String command = line.toUpperCase(java.util.Locale.ROOT);
                        if (data) {
                            if (line.equals(".")) {
                                data = false;
                                recipients.add(recipient);
                                reply(out, "250 2.0.0 accepted");
                            }
                        } else if (command.startsWith("RCPT TO:")) {
                            recipient = line.substring("RCPT TO:".length()).replaceAll("[<>\\s]", "");
                            reply(out, "250 OK");
                        } else if (command.startsWith("DATA")) {
                            data = true;
                            reply(out, "354 go ahead");
                        } else if (command.startsWith("QUIT")) {
                            client.setSoLinger(true, 0); // the close below resets the connection instead of ending it
                            resets.incrementAndGet();
                            break;
                        } else {
                            reply(out, "250 OK");
                        }
                    }
                } catch (IOException e) {
                    // the server socket closed, or the client went first: next connection
                }
            }
        }

        private static void reply(Writer out, String line) throws IOException {
            out.write(line + "\r\n");
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void pollWhenMaxAttemptsReachedThenMailKeptUnsentAndNoLongerClaimed() throws IOException {
        jobs.stop("mail-sender");
        String recipient = newRecipient("abandon");
        outbox.enqueue(confirmation(recipient)).block();
        JavaMailSenderImpl unreachable = new JavaMailSenderImpl();
        unreachable.setHost("127.0.0.1");
        unreachable.setPort(closedPort());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MailSender sender = new MailSender(db, unreachable, clock,
                properties(Duration.ofSeconds(1), 1000, 2, Duration.ZERO), meters);
        try {
            sender.pollOnce().block();
            sender.pollOnce().block();
            sender.pollOnce().block();

            MailTestSupport.OutboxRow parked = row(db, recipient);
            assertThat(parked.attempts()).isEqualTo(2);
            assertThat(parked.sentAt()).isNull();
            assertThat(parked.textBody()).isNotNull();
            assertThat(meters.get("idp.mail.parked").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("idp.mail.outbox.parked").gauge().value()).isGreaterThanOrEqualTo(1);
        } finally {
            sender.destroy();
            db.sql("delete from mail_outbox where recipient = :r").bind("r", recipient).fetch().rowsUpdated().block();
        }
    }

    @Test
    void prometheusWhenMailSentThenOutboxGaugesAndCountersExposed() {
        String recipient = newRecipient("metriques");
        outbox.enqueue(confirmation(recipient)).block();
        await(DELIVERY, () -> sent(db, recipient));

        WebTestClient.bindToServer().baseUrl("http://localhost:" + managementPort).build()
                .get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body)
                        .contains("idp_mail_outbox_backlog")
                        .contains("idp_mail_outbox_parked")
                        .contains("idp_mail_outbox_oldest_age_seconds")
                        .contains("idp_mail_sent_total{")
                        .doesNotContain(recipient));
    }

    @Test
    void configuredWhenNoHostThenNoSmtpServerWhateverBootDefined() {
        // Spring AOT decides at build time, with a host, that Boot's JavaMailSender exists: the host decides at run time.
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("mailSender", javaMailSender);
        ObjectProvider<JavaMailSender> defined = beans.getBeanProvider(JavaMailSender.class);

        assertThat(MailSender.configured("", defined)).isNull();
        assertThat(MailSender.configured("  ", defined)).isNull();
        assertThat(MailSender.configured("smtp.example.fr", defined)).isSameAs(javaMailSender);
        assertThat(MailSender.configured("smtp.example.fr",
                new StaticListableBeanFactory().getBeanProvider(JavaMailSender.class))).isNull();
    }

    @Test
    void backoffWhenAttemptsGrowThenDoublesFromInitialUpToMax() {
        MailProperties defaults = properties(Duration.ofSeconds(2), 20, 50, Duration.ofSeconds(5));

        assertThat(defaults.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(defaults.backoff(7)).isEqualTo(Duration.ofSeconds(320));
        assertThat(defaults.backoff(8)).isEqualTo(Duration.ofMinutes(10));
        assertThat(defaults.backoff(50)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void errorClassesWhenCauseChainThenClassNamesOnlyNeverMessages() {
        Exception error = new IllegalStateException("refused for marie@example.org",
                new IOException("550 marie@example.org unknown"));

        assertThat(MailSender.errorClasses(error))
                .isEqualTo("java.lang.IllegalStateException < java.io.IOException");
    }

    /** The claims above may have leased other tests' mails too; the application's sender is stopped, so no lease is live. */
    private void releaseLeases() {
        db.sql("update mail_outbox set locked_until = null where sent_at is null").fetch().rowsUpdated().block();
    }

    private List<UUID> ids(MailSender sender, Duration later) {
        return sender.claim(clock.instant().plus(later)).map(MailSender.Claimed::id).collectList().block();
    }

    private Mail confirmation(String recipient) {
        return templates.render(MailTemplates.EMAIL_CONFIRMATION, recipient,
                Map.of("givenName", "Éloïse", "link", templates.link("/inscription/activation?jeton=t"), "validityDays", 21));
    }

    private static MailProperties properties(Duration pollInterval, int batchSize, int maxAttempts, Duration initialBackoff) {
        return new MailProperties("Votre Assurance Maladie <ne-pas-repondre@assurance-maladie.example>", pollInterval,
                batchSize, Duration.ofMinutes(2), initialBackoff, Duration.ofMinutes(10), maxAttempts, 2, true);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
