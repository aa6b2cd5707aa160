package fr.ameli.idp.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;

/**
 * Where a request's client address is decided, once, before any filter or handler sees the request: the
 * {@code X-Forwarded-For} entry of the trusted proxy hop ({@link ClientAddress#resolve}) becomes the request's
 * remote address; then every forwarding header is removed, so that nothing downstream can read a value a client
 * wrote.
 *
 * <p>This replaces Spring's {@code ForwardedHeaderTransformer} (the bean of the same name, which Spring's web
 * handler applies to every request), whose {@code server.forward-headers-strategy: framework} took the
 * <em>leftmost</em> {@code X-Forwarded-For} entry — written by the client, as ingress-nginx passes it on when it
 * appends — and also honoured a client's own {@code Forwarded} header: any client could pick the address its
 * requests were counted under. The request's scheme and host are not rewritten: every public URL the service
 * builds comes from {@code idp.issuer}. Reactor Netty's own handling ({@code native}) would rewrite the peer
 * from the leftmost entry as well, so the service refuses to start with it.
 */
@Configuration(proxyBeanMethods = false)
class TrustedProxyHeaders {

    @Bean
    ForwardedHeaderTransformer forwardedHeaderTransformer(HttpProperties properties, Environment environment) {
        String strategy = environment.getProperty("server.forward-headers-strategy", "").strip();
        CloudPlatform platform = CloudPlatform.getActive(environment);
        if (strategy.equalsIgnoreCase("native")
                || (strategy.isEmpty() && platform != null && platform.isUsingForwardHeaders())) {
            throw new IllegalStateException("server.forward-headers-strategy must be none: the client address comes from "
                    + "idp.http.trusted-proxy-hops, and native handling takes the leftmost X-Forwarded-For entry");
        }
        return new Transformer(properties.trustedProxyHops());
    }

    static final class Transformer extends ForwardedHeaderTransformer {

        private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
                "X-Forwarded-Port", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Ssl");

        private final int trustedHops;

        Transformer(int trustedHops) {
            this.trustedHops = trustedHops;
        }

        @Override
        public ServerHttpRequest apply(ServerHttpRequest request) {
            if (!hasForwardedHeaders(request)) {
                return request;
            }
            InetSocketAddress peer = request.getRemoteAddress();
            InetAddress peerAddress = peer == null ? null : peer.getAddress();
            InetAddress client = ClientAddress.resolve(peerAddress, request.getHeaders().getValuesAsList("X-Forwarded-For"),
                    trustedHops);
            ServerHttpRequest.Builder builder = request.mutate();
            if (client != null && !client.equals(peerAddress)) {
                builder.remoteAddress(new InetSocketAddress(client, 0));
            }
            builder.headers(Transformer::removeForwardingHeaders);
            return builder.build();
        }

        private static void removeForwardingHeaders(HttpHeaders headers) {
            FORWARDING_HEADERS.forEach(headers::remove);
        }
    }
}
