package fr.ameli.idp.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.Objects;

/**
 * One mail to send: a single recipient, a subject, a plain-text and an HTML body with the same content,
 * and its kind ({@code EMAIL_CONFIRMATION}, {@code SECURITY_CODE}, ...), kept for operators and metrics.
 *
 * <p>Bodies carry one-time links and codes, and the recipient is personal data: {@link #toString()}
 * prints neither, so that a mail logged by mistake gives nothing away.
 */
public record Mail(String recipient, String subject, String textBody, String htmlBody, String kind) {

    public Mail {
        Objects.requireNonNull(textBody, "textBody");
        Objects.requireNonNull(htmlBody, "htmlBody");
        if (recipient.isBlank() || subject.isBlank() || kind.isBlank()) {
            throw new IllegalArgumentException("recipient, subject and kind are required");
        }
        // Header injection: neither value may start a new header line.
        if (hasLineBreak(recipient) || hasLineBreak(subject)) {
            throw new IllegalArgumentException("line break in recipient or subject");
        }
        if (!validAddress(recipient)) {
            // No cause and no value: the parser's message would quote the address.
            throw new IllegalArgumentException("recipient is not a single valid mail address");
        }
    }

    private static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
    }

    private static boolean validAddress(String value) {
        try {
            InternetAddress address = new InternetAddress(value, true);
            return !address.isGroup() && value.equals(address.getAddress());
        } catch (AddressException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Mail[kind=" + kind + ", subject=" + subject + ", recipient=(hidden), textBody=(hidden), htmlBody=(hidden)]";
    }
}
