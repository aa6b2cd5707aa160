package fr.ameli.idp.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.thymeleaf.IEngineConfiguration;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;
import org.thymeleaf.templateresource.ITemplateResource;
import org.thymeleaf.templateresource.StringTemplateResource;

/**
 * Templates and French messages are read once, at start-up, on the main thread. Thymeleaf would
 * otherwise read each template file on its first use, on an event loop (blocking I/O that BlockHound
 * rightly refuses), and the message bundle likewise.
 */
@Configuration(proxyBeanMethods = false)
class PreloadedTemplates {

    /** Replaces Boot's {@code defaultTemplateResolver}, which reads files lazily. */
    @Bean
    AbstractConfigurableTemplateResolver defaultTemplateResolver() {
        Map<String, String> templates = new HashMap<>();
        try {
            for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:/templates/**/*.html")) {
                String url = r.getURL().toString();
                String name = url.substring(url.lastIndexOf("/templates/") + 1);
                templates.put(name, r.getContentAsString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("templates could not be read", e);
        }
        AbstractConfigurableTemplateResolver resolver = new AbstractConfigurableTemplateResolver() {
            @Override
            protected ITemplateResource computeTemplateResource(IEngineConfiguration configuration, String ownerTemplate,
                    String template, String resourceName, String characterEncoding, Map<String, Object> attributes) {
                String content = templates.get(resourceName);
                return content == null ? null : new StringTemplateResource(content);
            }
        };
        resolver.setPrefix("templates/");
        resolver.setSuffix(".html");
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        resolver.setCheckExistence(true);
        resolver.setOrder(0);
        return resolver;
    }

    /** Also initialises the template engine, which reads its own resources on first use. */
    @Bean
    SmartInitializingSingleton warmTemplating(MessageSource messages, org.springframework.beans.factory.ObjectProvider<
            org.thymeleaf.TemplateEngine> engines) {
        return () -> {
            messages.getMessage("app.titre", null, Locale.FRANCE);
            engines.forEach(org.thymeleaf.TemplateEngine::getConfiguration);
        };
    }

}
