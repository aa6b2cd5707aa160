package fr.ameli.idp.mail;

import fr.ameli.idp.platform.BackgroundJob;
import fr.ameli.idp.platform.Failures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The outbox's background sender: every {@code idp.mail.poll-interval} it claims due mails, sends them
 * over SMTP and records the outcome. A {@link BackgroundJob}: on shutdown no new poll starts and the batch in
 * flight is sent and recorded (at most {@code DRAIN_TIMEOUT}).
 *
 * <p><b>Several instances.</b> A poll claims rows with one atomic statement: the inner
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} skips rows another instance is claiming at the same moment,
 * and the {@code locked_until} lease it sets keeps them out of every other claim until this instance
 * has recorded the outcome (then the lease is cleared) or has died (then the lease runs out and the mail
 * is retried). When a competing claim commits first, PostgreSQL re-checks the row against the new
 * {@code locked_until}, so no row is ever held by two instances. Delivery is at least once: a mail can be
 * sent twice only if the instance dies between the SMTP server's acceptance and the recording of it (a few
 * milliseconds), if the database stays unreachable from that moment until the lease has run out, or if the
 * connection breaks after the SMTP server stored the mail and before its acceptance reached this instance (SMTP's own
 * limit, RFC 1047). A connection that breaks after the acceptance, while closing, does not count as a failure. A mail
 * the SMTP server accepted while the database was unreachable (a PostgreSQL restart) is remembered in memory
 * and recorded as sent by the next poll that reaches the database; if the lease ran out meanwhile and this
 * instance claims it again, it is recorded, not sent again. The {@code Message-ID} is the outbox id, stable
 * across attempts, so mail clients can recognise a duplicate. Instances
 * compare leases with their own clocks, assumed synchronised (NTP): the lease, minutes long, dwarfs any skew.
 *
 * <p><b>Blocking.</b> Jakarta Mail is a blocking client: it runs only on this class's own bounded
 * scheduler ({@code smtp-*} threads), never on an event loop (STYLE 6).
 *
 * <p><b>Failures.</b> A failed attempt increments {@code attempts}, stores the exception class names (never
 * the message: it may quote an address) and schedules the next attempt with exponential backoff. After
 * {@code idp.mail.max-attempts} the mail is no longer retried; it stays in the table, unsent, and an ERROR
 * is logged. An operator re-queues it with {@code update mail_outbox set attempts = 0, next_attempt_at =
 * now() where id = ...}.
 */
@Component("mailOutboxSender") // "mailSender" is Spring Boot's JavaMailSender
class MailSender implements BackgroundJob, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(MailSender.class);

    private static final String COLUMNS = "id, recipient, subject, text_body, html_body, kind, attempts";

    static final String CLAIM = "update mail_outbox set locked_until = :lease_end where id in ("
            + "select id from mail_outbox where sent_at is null and next_attempt_at <= :now "
            + "and (locked_until is null or locked_until < :now) and attempts < :max_attempts "
            + "order by next_attempt_at limit :n for update skip locked) "
            + "returning " + COLUMNS;

    /** Bodies hold one-time links and codes: once delivered they are of no use to anyone, so they go. */
    private static final String MARK_SENT = "update mail_outbox set sent_at = :now, locked_until = null, "
            + "text_body = null, html_body = null where id = :id";

    private static final String MARK_FAILED = "update mail_outbox set attempts = attempts + 1, "
            + "next_attempt_at = :next, last_error = :error, locked_until = null where id = :id returning attempts";

    private static final String RELEASE = "update mail_outbox set locked_until = null where id = :id and sent_at is null";

    private static final String BACKLOG = "select count(*) filter (where attempts < :max_attempts) as pending, "
            + "count(*) filter (where attempts >= :max_attempts) as parked, "
            + "min(created_at) filter (where attempts < :max_attempts) as oldest "
            + "from mail_outbox where sent_at is null";

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    private final DatabaseClient db;
    private final @Nullable JavaMailSender smtp;
    private final Clock clock;
    private final MailProperties props;
    private final InternetAddress from;
    private final String messageIdDomain;
    private final Scheduler smtpScheduler;
    private final MeterRegistry meters;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    /** Accepted by the SMTP server, not yet recorded as sent: the database failed at that moment. */
    private final Map<UUID, Claimed> unrecorded = new ConcurrentHashMap<>();

    /**
     * {@code smtpHost}: no host, no SMTP server, whatever Boot defined. Spring AOT (pom.xml, process-aot) decides at
     * build time, with a host, whether a {@code JavaMailSender} exists, so that only the host says at run time.
     */
    @Autowired
    MailSender(DatabaseClient db, ObjectProvider<JavaMailSender> smtp, @Value("${spring.mail.host:}") String smtpHost,
            Clock clock, MailProperties props, MeterRegistry meters) {
        this(db, configured(smtpHost, smtp), clock, props, meters);
    }

    /** The SMTP server Boot defined, if the configuration names a host. */
    static @Nullable JavaMailSender configured(String smtpHost, ObjectProvider<JavaMailSender> smtp) {
        return smtpHost.isBlank() ? null : smtp.getIfAvailable();
    }

    MailSender(DatabaseClient db, @Nullable JavaMailSender smtp, Clock clock, MailProperties props, MeterRegistry meters) {
        this.db = db;
        this.smtp = smtp;
        this.clock = clock;
        this.props = props;
        this.from = parseFrom(props.from());
        this.messageIdDomain = from.getAddress().substring(from.getAddress().indexOf('@') + 1);
        this.smtpScheduler = Schedulers.newBoundedElastic(props.smtpThreads(), 1000, "smtp", 60, true);
        this.meters = meters;
        Gauge.builder("idp.mail.outbox.backlog", backlog, AtomicLong::get)
                .description("Mails waiting to be sent (retries included, parked mails excluded)").register(meters);
        Gauge.builder("idp.mail.outbox.parked", parked, AtomicLong::get)
                .description("Mails no longer retried after idp.mail.max-attempts: an operator must look").register(meters);
        Gauge.builder("idp.mail.outbox.oldest.age", oldestAgeSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest mail waiting to be sent").register(meters);
    }

    private static InternetAddress parseFrom(String from) {
        try {
            InternetAddress address = new InternetAddress(from, true);
            if (address.getPersonal() != null) {
                address.setPersonal(address.getPersonal(), StandardCharsets.UTF_8.name());
            }
            return address;
        } catch (AddressException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException("idp.mail.from is not a valid address", e);
        }
    }

    @Override
    public String name() {
        return "mail-sender";
    }

    @Override
    public Duration interval() {
        return props.pollInterval();
    }

    /** Mails wait for no one: the first poll as soon as the instance starts. */
    @Override
    public Duration initialDelay() {
        return Duration.ZERO;
    }

    @Override
    public Mono<Void> run() {
        return pollOnce();
    }

    @Override
    public @Nullable String disabledReason() {
        if (!props.senderEnabled()) {
            return "idp.mail.sender-enabled=false: mails wait in mail_outbox for another instance";
        }
        if (smtp == null) {
            return "no SMTP server configured (spring.mail.host): mails wait in mail_outbox until one is";
        }
        return null;
    }

    /** The drain: the batch in flight is sent and its outcomes recorded before the instance goes. */
    @Override
    public Duration stopTimeout() {
        return DRAIN_TIMEOUT;
    }

    /** After the jobs have stopped (a lifecycle stops before beans are destroyed). */
    @Override
    public void destroy() {
        smtpScheduler.dispose();
    }

    /**
     * One poll: record the mails sent whose recording failed, claim the due mails, send them (a few at a time),
     * record each outcome, refresh the gauges.
     */
    Mono<Void> pollOnce() {
        return recordUnrecorded().then(Mono.defer(() -> {
            Instant now = clock.instant();
            return claim(now)
                    .flatMap(this::deliver, props.smtpThreads())
                    .then(Mono.defer(this::refreshGauges));
        }));
    }

    /** The mails the SMTP server accepted while the database was unreachable: recorded now, if it is back. */
    private Mono<Void> recordUnrecorded() {
        return Flux.fromIterable(List.copyOf(unrecorded.values()))
                .concatMap(mail -> markSent(mail)
                        .doOnSuccess(done -> {
                            unrecorded.remove(mail.id());
                            log.info("Mail {} ({}) sent earlier, recorded now", mail.id(), mail.kind());
                        })
                        .onErrorResume(e -> Mono.empty()))
                .then();
    }

    /** How many mails the SMTP server accepted that are not recorded as sent yet. */
    int unrecordedCount() {
        return unrecorded.size();
    }

    Flux<Claimed> claim(Instant now) {
        Instant leaseEnd = now.plus(props.lease());
        return db.sql(CLAIM)
                .bind("lease_end", leaseEnd)
                .bind("now", now)
                .bind("max_attempts", props.maxAttempts())
                .bind("n", props.batchSize())
                .map(row -> claimed(row, leaseEnd))
                .all();
    }

    Mono<Void> deliver(Claimed mail) {
        if (unrecorded.containsKey(mail.id())) {
            // Sent already; its lease ran out before the database came back, and this instance claimed it again.
            return markSent(mail).doOnSuccess(done -> unrecorded.remove(mail.id()))
                    .onErrorResume(e -> Mono.empty());
        }
        // A batch waits for SMTP threads: a mail whose lease is half gone when its turn comes is handed back
        // for the next claim rather than sent so late that another instance may take it over meanwhile.
        if (clock.instant().isAfter(mail.leaseEnd().minus(props.lease().dividedBy(2)))) {
            log.debug("Mail {} ({}) handed back: its lease is running out", mail.id(), mail.kind());
            return db.sql(RELEASE).bind("id", mail.id()).fetch().rowsUpdated().then();
        }
        return Mono.fromRunnable(() -> transport(mail))
                .subscribeOn(smtpScheduler)
                .then(Mono.defer(() -> markSent(mail).onErrorResume(e -> {
                    // The SMTP server has it: never send it again, record it as soon as the database answers.
                    unrecorded.put(mail.id(), mail);
                    log.warn("Mail {} ({}) sent, but not recorded yet ({}): recorded at the next poll", mail.id(),
                            mail.kind(), errorClasses(e));
                    return Mono.empty();
                })))
                .onErrorResume(SmtpFailure.class, failure -> markFailed(mail, failure.getCause()))
                .onErrorResume(e -> {
                    // The outcome could not be recorded: the lease runs out and the mail is tried again.
                    log.warn("Mail {} ({}): outbox update failed: {}", mail.id(), mail.kind(), errorClasses(e));
                    return Mono.empty();
                });
    }

    /** Blocking: runs on the SMTP scheduler only. */
    private void transport(Claimed mail) {
        JavaMailSender sender = smtp;
        if (sender == null) {
            throw new SmtpFailure(new IllegalStateException("no SMTP server configured"));
        }
        try {
            MimeMessage message = sender.createMimeMessage();
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.recipient(), true));
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            // RFC 3834: an automatic message; the seeds' « ne pas utiliser la fonctionnalité répondre à ».
            message.setHeader("Auto-Submitted", "auto-generated");
            message.setHeader("Content-Language", "fr");
            // Kept by JavaMailSenderImpl; the same on every attempt.
            message.setHeader("Message-ID", "<" + mail.id() + "@" + messageIdDomain + ">");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(mail.textBody(), StandardCharsets.UTF_8.name(), "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(mail.htmlBody(), StandardCharsets.UTF_8.name(), "html");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
            sender.send(message);
        } catch (MailSendException e) {
            if (!e.getFailedMessages().isEmpty()) {
                throw new SmtpFailure(e);
            }
            // Spring throws with no failed message only when every message was accepted and the QUIT after them
            // failed (the server went away at that moment): the server has the mail, sending it again would deliver
            // it twice (found by FaultCampaignTests, the SMTP server stopped the instant a mail was accepted).
            log.info("Mail {} ({}) accepted; closing the SMTP connection failed afterwards ({})", mail.id(), mail.kind(),
                    errorClasses(e));
        } catch (MessagingException | RuntimeException e) {
            throw new SmtpFailure(e);
        }
    }

    private Mono<Void> markSent(Claimed mail) {
        return db.sql(MARK_SENT)
                .bind("now", clock.instant())
                .bind("id", mail.id())
                .fetch()
                .rowsUpdated()
                .doOnNext(n -> {
                    Counter.builder("idp.mail.sent").description("Mails accepted by the SMTP server")
                            .tag("kind", mail.kind()).register(meters).increment();
                    log.debug("Mail {} ({}) sent", mail.id(), mail.kind());
                })
                .then();
    }

    private Mono<Void> markFailed(Claimed mail, Throwable error) {
        int attempts = mail.attempts() + 1;
        Duration backoff = props.backoff(attempts);
        String errors = errorClasses(error);
        Counter.builder("idp.mail.failures").description("Failed SMTP attempts (each is retried)")
                .tag("kind", mail.kind()).register(meters).increment();
        return db.sql(MARK_FAILED)
                .bind("next", clock.instant().plus(backoff))
                .bind("error", errors)
                .bind("id", mail.id())
                .map(row -> row.get("attempts", Integer.class))
                .one()
                .doOnNext(n -> {
                    if (n >= props.maxAttempts()) {
                        Counter.builder("idp.mail.parked").description("Mails given up after idp.mail.max-attempts")
                                .tag("kind", mail.kind()).register(meters).increment();
                        log.error("Mail {} ({}) not sent after {} attempts ({}): no longer retried, kept in mail_outbox "
                                + "for an operator", mail.id(), mail.kind(), n, errors);
                    } else {
                        log.warn("Mail {} ({}) not sent, attempt {} of {} ({}); next attempt in {}", mail.id(),
                                mail.kind(), n, props.maxAttempts(), errors, backoff);
                    }
                })
                .then();
    }

    private Mono<Void> refreshGauges() {
        return db.sql(BACKLOG)
                .bind("max_attempts", props.maxAttempts())
                .map(row -> {
                    backlog.set(number(row, "pending"));
                    parked.set(number(row, "parked"));
                    OffsetDateTime oldest = row.get("oldest", OffsetDateTime.class);
                    oldestAgeSeconds.set(oldest == null ? 0
                            : Math.max(0, Duration.between(oldest.toInstant(), clock.instant()).toSeconds()));
                    return true;
                })
                .one()
                .then();
    }

    private static long number(Readable row, String column) {
        Long n = row.get(column, Long.class);
        return n == null ? 0 : n.longValue();
    }

    /** Class names along the cause chain, outermost first: no message, which may quote an address. */
    static String errorClasses(Throwable error) {
        return Failures.describe(error, t -> !(t instanceof SmtpFailure));
    }

    private static Claimed claimed(Readable row, Instant leaseEnd) {
        return new Claimed(row.get("id", UUID.class), row.get("recipient", String.class), row.get("subject", String.class),
                row.get("text_body", String.class), row.get("html_body", String.class), row.get("kind", String.class),
                row.get("attempts", Integer.class), leaseEnd);
    }

    record Claimed(UUID id, String recipient, String subject, String textBody, String htmlBody, String kind, int attempts,
            Instant leaseEnd) {

        @Override
        public String toString() {
            return "Claimed[id=" + id + ", kind=" + kind + ", attempts=" + attempts + "]";
        }
    }

    /** Marks a failure of the SMTP exchange itself, as opposed to a failure to record its outcome. */
    private static final class SmtpFailure extends RuntimeException {

        SmtpFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }
}
