package fr.ameli.idp;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import fr.ameli.idp.embedded.EmbeddedInfrastructure;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** Reads what the embedded SMTP server received, waiting (bounded) for the outbox sender to deliver. */
public final class Mailbox {

    private Mailbox() {
    }

    public static MimeMessage await(String recipient, String subject, int alreadySeen) {
        List<MimeMessage> matching = Awaitility.await("mail '" + subject + "' delivered")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> messages(recipient, subject), delivered -> delivered.size() > alreadySeen);
        return matching.get(matching.size() - 1);
    }

    public static List<MimeMessage> messages(String recipient, String subject) {
        GreenMail smtp = EmbeddedInfrastructure.smtpServer();
        if (smtp == null) {
            throw new IllegalStateException("embedded SMTP not running");
        }
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                        .anyMatch(a -> a.toString().equalsIgnoreCase(recipient)) && subject.equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    public static String body(MimeMessage message) {
        return GreenMailUtil.getBody(message);
    }

    /** The decoded text of the message (every text part, plain and HTML). */
    public static String text(MimeMessage message) {
        return decoded(message);
    }

    /** The first match of group 1 of {@code regex} in the (decoded) text of the message. */
    public static String find(MimeMessage message, String regex) {
        String text = decoded(message);
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("pattern " + regex + " not found in mail");
        }
        return m.group(1);
    }

    private static String decoded(MimeMessage message) {
        try {
            Object content = message.getContent();
            if (content instanceof String s) {
                return s;
            }
            if (content instanceof jakarta.mail.Multipart multipart) {
                StringBuilder all = new StringBuilder();
                collect(multipart, all);
                return all.toString();
            }
            return Optional.ofNullable(GreenMailUtil.getBody(message)).orElse("");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(jakarta.mail.Multipart multipart, StringBuilder all) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            Object part = multipart.getBodyPart(i).getContent();
            if (part instanceof String s) {
                all.append(s).append('\n');
            } else if (part instanceof jakarta.mail.Multipart nested) {
                collect(nested, all);
            }
        }
    }
}
