package fr.ameli.idp.web;

import java.net.URI;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * Origins a form of ours may lead to through a redirect (CSP {@code form-action}, which browsers apply to the
 * redirects that follow a form submission): the relying parties' redirect and post-logout redirect URIs (consent,
 * login, logout confirmation), the FranceConnect-like provider (its button is a form). Asked for every page.
 */
public interface FormTargets {

    /**
     * Origins such as {@code https://rp.example} or {@code http://localhost:9876}: an immutable collection, the same
     * instance until the origins change (the Content-Security-Policy header is rebuilt only when an instance does).
     */
    Collection<String> formTargetOrigins();

    /** {@code scheme://host[:port]} of an absolute URI, or null when it has none. */
    static @Nullable String originOf(String uri) {
        try {
            URI u = URI.create(uri);
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
