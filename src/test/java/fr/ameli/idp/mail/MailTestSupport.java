package fr.ameli.idp.mail;

import com.icegreen.greenmail.util.GreenMail;
import fr.ameli.idp.embedded.EmbeddedInfrastructure;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;

/** Waiting for asynchronous delivery, and reading what the outbox and the embedded SMTP server hold. */
final class MailTestSupport {

    private MailTestSupport() {
    }

    /** Polls the condition until it holds; fails after {@code max}. Never a timing assertion by itself. */
    static void await(Duration max, BooleanSupplier condition) {
        Awaitility.await().atMost(max).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    static GreenMail smtp() {
        return Objects.requireNonNull(EmbeddedInfrastructure.smtpServer(), "the tests run with the embedded SMTP server");
    }

    static String newRecipient(String prefix) {
        return prefix + "-" + UUID.randomUUID() + "@example.org";
    }

    /** Messages the embedded SMTP server received for this address. */
    static List<MimeMessage> messagesTo(String recipient) {
        return Arrays.stream(smtp().getReceivedMessages()).filter(m -> isTo(m, recipient)).toList();
    }

    /** Index of the message in the server's list (the dev mailbox's index), -1 when none. */
    static int indexOf(String recipient) {
        MimeMessage[] all = smtp().getReceivedMessages();
        for (int i = 0; i < all.length; i++) {
            if (isTo(all[i], recipient)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isTo(MimeMessage message, String recipient) {
        try {
            Address[] to = message.getAllRecipients();
            return to != null && Arrays.stream(to).anyMatch(a -> ((InternetAddress) a).getAddress().equals(recipient));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    record OutboxRow(UUID id, int attempts, @Nullable Instant sentAt, @Nullable String lastError,
            @Nullable String textBody, @Nullable Instant lockedUntil, Instant nextAttemptAt) {
    }

    static List<OutboxRow> rows(DatabaseClient db, String recipient) {
        return db.sql("select id, attempts, sent_at, last_error, text_body, locked_until, next_attempt_at "
                        + "from mail_outbox where recipient = :recipient")
                .bind("recipient", recipient)
                .map(row -> new OutboxRow(row.get("id", UUID.class), row.get("attempts", Integer.class),
                        instant(row.get("sent_at", OffsetDateTime.class)), row.get("last_error", String.class),
                        row.get("text_body", String.class), instant(row.get("locked_until", OffsetDateTime.class)),
                        row.get("next_attempt_at", OffsetDateTime.class).toInstant()))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10));
    }

    static OutboxRow row(DatabaseClient db, String recipient) {
        List<OutboxRow> rows = rows(db, recipient);
        if (rows.size() != 1) {
            throw new AssertionError("expected one outbox row, found " + rows.size());
        }
        return rows.get(0);
    }

    static boolean sent(DatabaseClient db, String recipient) {
        List<OutboxRow> rows = rows(db, recipient);
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.sentAt() != null);
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
