package fr.ameli.idp.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the service sees its clients through the proxies in front of it.
 *
 * @param trustedProxyHops how many proxies in front of the service append to {@code X-Forwarded-For}: the client
 *                         address is that many entries from the right. 1 for the Kubernetes deployment (ingress-nginx
 *                         in front of the pods: it sets or appends the address it received the request from); 0 when
 *                         clients reach the service directly (the TCP peer is the client; the header is ignored);
 *                         2 when a load balancer that appends too stands in front of ingress-nginx.
 */
@ConfigurationProperties("idp.http")
public record HttpProperties(@DefaultValue("1") int trustedProxyHops) {

    public HttpProperties {
        if (trustedProxyHops < 0) {
            throw new IllegalArgumentException("idp.http.trusted-proxy-hops must be 0 or more");
        }
    }
}
