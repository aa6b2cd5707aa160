package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;

/** The one place where the client address is decided (issue 10, item 13). */
class TrustedProxyHeadersTests {

    final ForwardedHeaderTransformer transformer = new TrustedProxyHeaders()
            .forwardedHeaderTransformer(new HttpProperties(1), new MockEnvironment());

    @Test
    void applyWhenClientForgesForwardingHeadersThenTrustedHopWinsAndHeadersAreGone() {
        ServerHttpRequest forged = MockServerHttpRequest.post("/login")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 40000))
                .header("X-Forwarded-For", "203.0.113.66, 198.51.100.7")
                .header("Forwarded", "for=192.0.2.1;proto=https;host=evil.example")
                .header("X-Forwarded-Host", "evil.example")
                .build();

        ServerHttpRequest seen = transformer.apply(forged);

        assertThat(ClientAddress.of(seen)).isEqualTo("198.51.100.7");
        assertThat(seen.getHeaders().headerNames()).noneMatch(name -> name.toLowerCase().contains("forwarded"));
        // Public URLs come from idp.issuer: the request's host is not taken from a header.
        assertThat(seen.getURI().getHost()).isNotEqualTo("evil.example");
    }

    @Test
    void applyWhenNoForwardingHeaderThenPeerUnchanged() {
        ServerHttpRequest direct = MockServerHttpRequest.get("/").remoteAddress(new InetSocketAddress("10.1.2.3", 40000)).build();
        assertThat(ClientAddress.of(transformer.apply(direct))).isEqualTo("10.1.2.3");
    }

    @Test
    void beanWhenNativeForwardHeadersThenStartRefused() {
        MockEnvironment nativeHandling = new MockEnvironment().withProperty("server.forward-headers-strategy", "native");
        assertThatIllegalStateException().isThrownBy(() -> new TrustedProxyHeaders()
                .forwardedHeaderTransformer(new HttpProperties(1), nativeHandling));
        // On Kubernetes, Spring Boot turns native handling on by itself unless the strategy says otherwise.
        MockEnvironment kubernetes = new MockEnvironment().withProperty("spring.main.cloud-platform", "kubernetes");
        assertThatIllegalStateException().isThrownBy(() -> new TrustedProxyHeaders()
                .forwardedHeaderTransformer(new HttpProperties(1), kubernetes));
        assertThat(new TrustedProxyHeaders().forwardedHeaderTransformer(new HttpProperties(1),
                kubernetes.withProperty("server.forward-headers-strategy", "none"))).isNotNull();
    }
}
