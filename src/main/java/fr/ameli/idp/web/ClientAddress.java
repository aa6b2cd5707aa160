package fr.ameli.idp.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The client address every per-address limit counts: computed once per request, when it enters the service, by
 * {@link TrustedProxyHeaders} from the TCP peer and the {@code X-Forwarded-For} entries that the trusted proxies
 * appended ({@code idp.http.trusted-proxy-hops}); the handlers read the result here.
 *
 * <p>Each proxy appends the address it received the request from, so the entries a client cannot forge are the
 * rightmost ones: with {@code n} trusted proxies the client is the {@code n}-th entry from the right. The leftmost
 * entry, which Spring's {@code ForwardedHeaderTransformer} takes, is whatever the client wrote.
 *
 * <p>An IPv6 client is counted by its /64 prefix: one subscriber usually gets a whole /64, and every address in
 * it would otherwise be a fresh counter.
 */
public final class ClientAddress {

    private static final Pattern IPV4_WITH_PORT = Pattern.compile("([0-9.]+):[0-9]+");
    private static final Pattern BRACKETED_IPV6 = Pattern.compile("\\[([^\\]]+)\\](?::[0-9]+)?");

    private ClientAddress() {
    }

    /** The key of this request's client for per-address limits (an address, or a /64 for IPv6). */
    public static String of(ServerRequest request) {
        return of(request.exchange().getRequest());
    }

    public static String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        InetAddress ip = remote.getAddress();
        return ip == null ? remote.getHostString() : key(ip);
    }

    /** An IPv4 address as is; an IPv6 address by its /64 network ({@code 2001:db8:1:2::/64}). */
    static String key(InetAddress ip) {
        if (!(ip instanceof Inet6Address)) {
            return ip.getHostAddress();
        }
        byte[] bytes = ip.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    /**
     * The client's address from the TCP peer and the {@code X-Forwarded-For} header lines (in order): the
     * {@code trustedHops}-th entry from the right; the leftmost one when there are fewer entries (they were all
     * written by trusted proxies); the peer when there is no entry, when no proxy is trusted, or when the trusted
     * entry is not an IP address. Never resolves a name (no DNS on an event loop).
     */
    static @Nullable InetAddress resolve(@Nullable InetAddress peer, List<String> forwardedFor, int trustedHops) {
        if (trustedHops <= 0) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        for (String line : forwardedFor) {
            for (String entry : line.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.strip());
                }
            }
        }
        if (entries.isEmpty()) {
            return peer;
        }
        InetAddress client = literal(entries.get(Math.max(0, entries.size() - trustedHops)));
        return client != null ? client : peer;
    }

    /** An IP literal, with or without a port ({@code 192.0.2.1:443}, {@code [2001:db8::1]:443}); null otherwise. */
    static @Nullable InetAddress literal(String entry) {
        String text = entry;
        Matcher bracketed = BRACKETED_IPV6.matcher(text);
        Matcher v4 = IPV4_WITH_PORT.matcher(text);
        if (bracketed.matches()) {
            text = bracketed.group(1);
        } else if (v4.matches()) {
            text = v4.group(1);
        }
        int zone = text.indexOf('%');
        if (zone >= 0) {
            // A zone names a local interface: meaningless here, and resolving it would look the interface up.
            text = text.substring(0, zone);
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
