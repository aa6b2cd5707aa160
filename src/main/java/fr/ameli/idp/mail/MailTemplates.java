package fr.ameli.idp.mail;

import fr.ameli.idp.platform.IdpProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import org.thymeleaf.IEngineConfiguration;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.cache.AlwaysValidCacheEntryValidity;
import org.thymeleaf.cache.ICacheEntryValidity;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.AbstractTemplateResolver;
import org.thymeleaf.templateresource.ITemplateResource;
import org.thymeleaf.templateresource.StringTemplateResource;

/**
 * Renders the French mails from {@code classpath:/mail/<kind>.txt} (Thymeleaf TEXT mode) and
 * {@code <kind>.html} (HTML mode, inline styles only, the same content). The templates are read into
 * memory and each is rendered once at start-up, on the main thread: rendering a mail later is CPU work
 * only and may run on an event loop.
 *
 * <p>Every model gets {@code baseUrl}, the public base URL ({@code idp.issuer}); a {@code link} in the
 * model must start with it, so that no mail points anywhere else. Build links with {@link #link(String)}.
 */
@Component
public class MailTemplates {

    /** Model: {@code link} (required), {@code validityDays} (required), {@code givenName} (optional). */
    public static final String EMAIL_CONFIRMATION = "EMAIL_CONFIRMATION";
    /** Model: {@code code}, {@code validityMinutes}. */
    public static final String SECURITY_CODE = "SECURITY_CODE";
    /** Model: {@code code}, {@code validityMinutes}. Never the NIR: whoever reads the mailbox must not learn it here. */
    public static final String PROVISIONAL_CODE = "PROVISIONAL_CODE";
    /** Sent to the former address. Model: {@code maskedEmail} (optional, the new address masked). No link. */
    public static final String EMAIL_CHANGED = "EMAIL_CHANGED";
    /** Too many wrong security codes: the code step of the account is closed. Model: {@code lockoutHours}. No link. */
    public static final String SECURITY_CODE_BLOCKED = "SECURITY_CODE_BLOCKED";
    /** Too many wrong provisional codes for a NIR: the path is closed. Model: {@code lockoutHours}. No link. */
    public static final String PROVISIONAL_CODE_BLOCKED = "PROVISIONAL_CODE_BLOCKED";
    /** Every password change or reset, to the account's address. Model: none. No link. */
    public static final String PASSWORD_CHANGED = "PASSWORD_CHANGED";
    /** An address change was asked for (before its link is followed), to the current address. Model: {@code maskedEmail}. */
    public static final String EMAIL_CHANGE_REQUESTED = "EMAIL_CHANGE_REQUESTED";

    private record Kind(String subject, List<String> required, Map<String, Object> sample) {
    }

    private static final Map<String, Kind> KINDS = Map.of(
            EMAIL_CONFIRMATION, new Kind("Votre compte ameli - Confirmation de votre adresse mail",
                    List.of("link", "validityDays"),
                    Map.of("givenName", "Marie", "link", "/confirmation?jeton=exemple", "validityDays", 21)),
            SECURITY_CODE, new Kind("Votre code de sécurité ameli",
                    List.of("code", "validityMinutes"),
                    Map.of("code", "123456", "validityMinutes", 10)),
            PROVISIONAL_CODE, new Kind("Votre code provisoire ameli",
                    List.of("code", "validityMinutes"),
                    Map.of("code", "1234", "validityMinutes", 30)),
            EMAIL_CHANGED, new Kind("Votre compte ameli - Modification de votre adresse mail",
                    List.of(),
                    Map.of("maskedEmail", "m****@example.org")),
            SECURITY_CODE_BLOCKED, new Kind("Votre compte ameli - Connexion depuis un nouvel appareil suspendue",
                    List.of("lockoutHours"),
                    Map.of("lockoutHours", 24)),
            PROVISIONAL_CODE_BLOCKED, new Kind("Votre compte ameli - Code provisoire bloqué",
                    List.of("lockoutHours"),
                    Map.of("lockoutHours", 24)),
            PASSWORD_CHANGED, new Kind("Votre compte ameli - Votre code personnel a été modifié",
                    List.of(),
                    Map.of()),
            EMAIL_CHANGE_REQUESTED, new Kind("Votre compte ameli - Demande de modification de votre adresse mail",
                    List.of("maskedEmail"),
                    Map.of("maskedEmail", "m****@example.org")));

    private final String baseUrl;
    private final TemplateEngine engine;

    MailTemplates(IdpProperties idp) {
        this.baseUrl = idp.issuer();
        this.engine = engine(load());
        // Fails start-up on a missing or broken template, and warms the engine up on the main thread.
        KINDS.forEach((kind, k) -> {
            Map<String, Object> sample = new HashMap<>(k.sample());
            sample.computeIfPresent("link", (key, path) -> link((String) path));
            render(kind, "exemple@example.org", sample);
        });
    }

    /** An absolute link under the public base URL; {@code pathAndQuery} starts with {@code /}. */
    public String link(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("a link path starts with /");
        }
        return baseUrl + pathAndQuery;
    }

    /** Renders a mail of the given kind with its standard French subject. */
    public Mail render(String kind, String recipient, Map<String, Object> model) {
        return render(kind, recipient, kind(kind).subject(), model);
    }

    /**
     * Renders both bodies of a mail of the given kind.
     *
     * @throws IllegalArgumentException unknown kind, a required model value missing, or a {@code link}
     *                                  outside the public base URL
     */
    public Mail render(String kind, String recipient, String subject, Map<String, Object> model) {
        Kind k = kind(kind);
        for (String name : k.required()) {
            if (model.get(name) == null) {
                throw new IllegalArgumentException(kind + " mail needs " + name);
            }
        }
        if (model.get("link") instanceof String link && !link.startsWith(baseUrl + "/")) {
            throw new IllegalArgumentException("mail links must start with the public base URL (idp.issuer)");
        }
        Context context = new Context(Locale.FRANCE);
        context.setVariables(model);
        context.setVariable("baseUrl", baseUrl);
        String name = kind.toLowerCase(Locale.ROOT);
        return new Mail(recipient, subject, engine.process(name + ".txt", context), engine.process(name + ".html", context),
                kind);
    }

    private static Kind kind(String kind) {
        Kind k = KINDS.get(kind);
        if (k == null) {
            throw new IllegalArgumentException("unknown mail kind " + kind);
        }
        return k;
    }

    private static Map<String, String> load() {
        Map<String, String> templates = new HashMap<>();
        try {
            for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:/mail/*.*")) {
                String file = r.getFilename();
                if (file != null && (file.endsWith(".txt") || file.endsWith(".html"))) {
                    templates.put(file, r.getContentAsString(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("mail templates could not be read", e);
        }
        return templates;
    }

    /** A standalone engine (SpEL expressions, no web context) over the templates held in memory. */
    private static TemplateEngine engine(Map<String, String> templates) {
        AbstractTemplateResolver resolver = new AbstractTemplateResolver() {
            @Override
            protected ITemplateResource computeTemplateResource(IEngineConfiguration configuration, String ownerTemplate,
                    String template, Map<String, Object> attributes) {
                String content = templates.get(template);
                return content == null ? null : new StringTemplateResource(content);
            }

            @Override
            protected TemplateMode computeTemplateMode(IEngineConfiguration configuration, String ownerTemplate,
                    String template, Map<String, Object> attributes) {
                return template.endsWith(".txt") ? TemplateMode.TEXT : TemplateMode.HTML;
            }

            @Override
            protected ICacheEntryValidity computeValidity(IEngineConfiguration configuration, String ownerTemplate,
                    String template, Map<String, Object> attributes) {
                return AlwaysValidCacheEntryValidity.INSTANCE;
            }
        };
        resolver.setCheckExistence(true);
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        return engine;
    }
}
