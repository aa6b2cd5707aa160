package fr.ameli.idp;

import fr.ameli.idp.mail.Mail;
import fr.ameli.idp.mail.MailOutbox;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Every mail handed to the {@link MailOutbox} during the tests, in order, so that flow tests can read the codes
 * and links they need. The outbox bean is wrapped (a class proxy: it works with the interim stub and with the
 * real outbox alike) and still does its work; nothing else changes.
 *
 * <p>TODO(mail): once the real outbox is merged, the mails reach the embedded SMTP server and {@link Mailbox}
 * reads them; tests then read codes and links through {@link Mailbox} and this capture can go.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SentMails {

    private static final List<Mail> SENT = new CopyOnWriteArrayList<>();

    @Bean
    static BeanPostProcessor sentMailsCapture() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (!(bean instanceof MailOutbox)) {
                    return bean;
                }
                ProxyFactory proxy = new ProxyFactory(bean);
                proxy.setProxyTargetClass(true);
                proxy.addAdvice((org.aopalliance.intercept.MethodInterceptor) invocation -> {
                    if (invocation.getMethod().getName().equals("enqueue") && invocation.getArguments().length == 1
                            && invocation.getArguments()[0] instanceof Mail mail) {
                        SENT.add(mail);
                    }
                    return invocation.proceed();
                });
                return proxy.getProxy(bean.getClass().getClassLoader());
            }
        };
    }

    /** The mails of {@code kind} sent to {@code recipient} (case-insensitive), oldest first. */
    public static List<Mail> to(String recipient, String kind) {
        return SENT.stream().filter(m -> m.recipient().equalsIgnoreCase(recipient) && m.kind().equals(kind)).toList();
    }

    /** The newest mail of {@code kind} sent to {@code recipient}; fails when there is none. */
    public static Mail last(String recipient, String kind) {
        List<Mail> mails = to(recipient, kind);
        if (mails.isEmpty()) {
            throw new AssertionError("no " + kind + " mail sent to the expected address");
        }
        return mails.get(mails.size() - 1);
    }

    /** Group 1 of {@code regex} in the text of the mail. */
    public static String find(Mail mail, String regex) {
        Matcher m = Pattern.compile(regex).matcher(mail.textBody());
        if (!m.find()) {
            throw new AssertionError("pattern " + regex + " not found in the " + mail.kind() + " mail");
        }
        return m.group(1);
    }

    /** The path and query of the first link of this service in the mail ({@code /inscription/activation?jeton=…}). */
    public static String link(Mail mail) {
        return find(mail, "https?://[^/\\s]+(/[^\\s,}\"<]*jeton=[A-Za-z0-9_-]+)");
    }
}
