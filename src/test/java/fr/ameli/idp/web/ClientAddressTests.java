package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which X-Forwarded-For entry is the client, for a number of trusted proxies (issue 10, item 13). */
class ClientAddressTests {

    static final InetAddress PEER = InetAddress.ofLiteral("10.1.2.3");

    @ParameterizedTest(name = "[{index}] hops={0} X-Forwarded-For=\"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // no header: the TCP peer
            "1 | ''                                  | 10.1.2.3",
            // one trusted proxy (ingress-nginx): the entry it appended, whatever the client wrote to its left
            "1 | 198.51.100.7                        | 198.51.100.7",
            "1 | 203.0.113.66, 198.51.100.7          | 198.51.100.7",
            "1 | 1.1.1.1, 2.2.2.2, 198.51.100.7      | 198.51.100.7",
            // two trusted proxies (a load balancer that appends, then ingress-nginx)
            "2 | 203.0.113.66, 198.51.100.7, 10.9.9.9 | 198.51.100.7",
            // fewer entries than trusted proxies: all were written by them, the leftmost is the farthest known
            "2 | 198.51.100.7                        | 198.51.100.7",
            // no trusted proxy: the header is ignored
            "0 | 198.51.100.7                        | 10.1.2.3",
            // ports and brackets as some proxies write them
            "1 | 198.51.100.7:51234                  | 198.51.100.7",
            "1 | [2001:db8::1]:443                   | 2001:db8:0:0:0:0:0:1",
            "1 | 2001:db8::1                         | 2001:db8:0:0:0:0:0:1",
            // the trusted entry is not an address (no DNS lookup, ever): the TCP peer
            "1 | 198.51.100.7, unknown               | 10.1.2.3",
            "1 | 198.51.100.7, evil.example          | 10.1.2.3",
            "1 | fe80::1%eth0                        | fe80:0:0:0:0:0:0:1"})
    void resolveWhenTrustedHopsThenEntryOfTheLastTrustedProxy(int hops, String header, String expected) {
        List<String> lines = header.isEmpty() ? List.of() : List.of(header);
        assertThat(ClientAddress.resolve(PEER, lines, hops).getHostAddress()).isEqualTo(expected);
    }

    @Test
    void resolveWhenSeveralHeaderLinesThenReadInOrder() {
        assertThat(ClientAddress.resolve(PEER, Arrays.asList("203.0.113.66", "198.51.100.7"), 1).getHostAddress())
                .isEqualTo("198.51.100.7");
    }

    @ParameterizedTest
    @CsvSource({
            "198.51.100.7, 198.51.100.7",
            "::ffff:198.51.100.7, 198.51.100.7",
            // a subscriber's whole /64 is one client
            "2001:db8:1:2::1, 2001:db8:1:2::/64",
            "2001:db8:1:2:ffff:eeee:dddd:cccc, 2001:db8:1:2::/64",
            "2001:db8:1:3::1, 2001:db8:1:3::/64"})
    void keyWhenIpv6ThenSlash64(String address, String key) {
        assertThat(ClientAddress.key(InetAddress.ofLiteral(address))).isEqualTo(key);
    }
}
