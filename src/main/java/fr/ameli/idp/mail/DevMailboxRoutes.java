package fr.ameli.idp.mail;

import fr.ameli.idp.web.error.ErrorChannel;
import com.icegreen.greenmail.util.GreenMail;
import fr.ameli.idp.embedded.EmbeddedInfrastructure;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.web.Pages;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Development only: {@code GET /dev/mailbox} lists the mails the embedded SMTP server received, newest
 * first, with the links of their text clickable, so that a newcomer can follow a confirmation link
 * without a mail client; {@code GET /dev/mailbox/{index}} shows one mail's HTML part. The routes exist
 * only when {@link EmbeddedInfrastructure} started that server: the {@code embedded} profile is active and
 * {@code idp.embedded.smtp-active} is true. Never with a configured {@code spring.mail.host}, so never in
 * production.
 */
@Configuration(proxyBeanMethods = false)
@Profile(EmbeddedInfrastructure.PROFILE)
@ConditionalOnProperty(name = "idp.embedded.smtp-active", havingValue = "true")
class DevMailboxRoutes {

    private static final Logger log = LoggerFactory.getLogger(DevMailboxRoutes.class);
    private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss")
            .withZone(ZoneId.of("Europe/Paris"));
    /** The mail's own HTML, isolated: no script, no request anywhere, a unique origin (sandbox). */
    private static final String HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    /** One received mail, as the page shows it; {@code index} is its stable place in GreenMail's list. */
    record ReceivedMail(int index, String date, String from, String to, String subject, List<Segment> text,
            @Nullable String html) {
    }

    /** A piece of a text body: plain text, or an http(s) link to make clickable. */
    record Segment(String text, boolean link) {
    }

    @Bean
    RouterFunction<ServerResponse> devMailboxRouter(IdpProperties idp) {
        log.info("Development mailbox (embedded SMTP server): {}/dev/mailbox", idp.issuer());
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/dev/mailbox", this::list)
                .GET("/dev/mailbox/{index}", this::show)
                .build());
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        return received()
                .flatMap(mails -> {
                    List<ReceivedMail> newestFirst = new ArrayList<>(mails);
                    Collections.reverse(newestFirst);
                    return Pages.render(request, "dev/mailbox", Map.of("mails", newestFirst));
                });
    }

    private Mono<ServerResponse> show(ServerRequest request) {
        return received()
                .flatMap(mails -> {
                    int index = index(request.pathVariable("index"));
                    if (index < 0 || index >= mails.size() || mails.get(index).html() == null) {
                        return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND));
                    }
                    return ServerResponse.ok()
                            .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                            .cacheControl(CacheControl.noStore())
                            .header("Content-Security-Policy", HTML_POLICY)
                            .bodyValue(mails.get(index).html());
                });
    }

    private static int index(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** GreenMail's messages, parsed; MIME parsing may block, so it runs on the bounded elastic scheduler. */
    private static Mono<List<ReceivedMail>> received() {
        return Mono.fromCallable(() -> {
            GreenMail server = EmbeddedInfrastructure.smtpServer();
            MimeMessage[] messages = server == null ? new MimeMessage[0] : server.getReceivedMessages();
            List<ReceivedMail> mails = new ArrayList<>(messages.length);
            for (int i = 0; i < messages.length; i++) {
                mails.add(parse(i, messages[i]));
            }
            return mails;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    static ReceivedMail parse(int index, MimeMessage message) throws MessagingException, IOException {
        Bodies bodies = new Bodies();
        bodies.collect(message);
        Date sent = message.getSentDate();
        return new ReceivedMail(index, sent == null ? "" : DATE.format(sent.toInstant()), addresses(message.getFrom()),
                addresses(message.getRecipients(Message.RecipientType.TO)),
                message.getSubject() == null ? "" : message.getSubject(), segments(bodies.text == null ? "" : bodies.text),
                bodies.html);
    }

    private static String addresses(Address @Nullable [] addresses) {
        return addresses == null ? "" : Arrays.stream(addresses)
                .map(a -> a instanceof InternetAddress ia ? ia.toUnicodeString() : a.toString()).collect(Collectors.joining(", "));
    }

    /** Splits a text body into text and links; the template escapes both, so no HTML from a mail gets through. */
    static List<Segment> segments(String text) {
        List<Segment> segments = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        int at = 0;
        while (m.find()) {
            String url = m.group();
            int end = m.end();
            // Sentence punctuation right after a link is not part of it.
            while (!url.isEmpty() && ".,;:!?)»".indexOf(url.charAt(url.length() - 1)) >= 0) {
                url = url.substring(0, url.length() - 1);
                end--;
            }
            if (m.start() > at) {
                segments.add(new Segment(text.substring(at, m.start()), false));
            }
            segments.add(new Segment(url, true));
            at = end;
        }
        if (at < text.length()) {
            segments.add(new Segment(text.substring(at), false));
        }
        return segments;
    }

    /** The first text/plain and text/html parts, wherever they are in the MIME tree. */
    private static final class Bodies {
        @Nullable String text;
        @Nullable String html;

        void collect(Part part) throws MessagingException, IOException {
            if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    collect(multipart.getBodyPart(i));
                }
            } else if (part.isMimeType("text/plain") && text == null && part.getContent() instanceof String s) {
                text = s;
            } else if (part.isMimeType("text/html") && html == null && part.getContent() instanceof String s) {
                html = s;
            }
        }
    }
}
