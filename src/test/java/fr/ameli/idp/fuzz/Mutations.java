package fr.ameli.idp.fuzz;

import java.util.List;
import java.util.Random;

/** Fixed-seed input generation: a known value mutated once or a few times, or noise. Deterministic for a seed. */
final class Mutations {

    /** Characters that break parsers, templates, JSON, SQL and headers. */
    private static final List<String> NASTY = List.of("", " ", "\u0000", "'", "\"", "<script>", "%00", "%", "\\", "{", "}",
            "[", "]", "\n", "\r\n", "\t", "é", "𝔘", "\u202e", "\ufeff", "\u00a0", "０", "٣", "--", ";", "/*", "${x}", "#{x}",
            "[[${x}]]", "..", "\ud800", "9".repeat(40), "-1", "0x7fffffff", "NaN", "null", "true", "1e999", "+");

    private Mutations() {
    }

    @SafeVarargs
    static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    static String nasty(Random random) {
        return NASTY.get(random.nextInt(NASTY.size()));
    }

    static String word(Random random) {
        int length = 1 + random.nextInt(12);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** Noise: random code points of any plane (surrogates included), up to {@code max} characters. */
    static String noise(Random random, int max) {
        int length = random.nextInt(max + 1);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(4);
            s.append(switch (kind) {
                case 0 -> (char) (0x20 + random.nextInt(0x5f));
                case 1 -> (char) random.nextInt(0x20);
                case 2 -> (char) random.nextInt(0x10000);
                default -> (char) ('0' + random.nextInt(10));
            });
        }
        return s.toString();
    }

    /** {@code value} with 1 to 3 edits (insert, delete, replace a character, splice a nasty string), or noise. */
    static String mutate(Random random, String value) {
        if (random.nextInt(8) == 0) {
            return noise(random, 64);
        }
        StringBuilder s = new StringBuilder(value);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> s.insert(at, (char) random.nextInt(0x3000));
                case 1 -> {
                    if (at < s.length()) {
                        s.deleteCharAt(at);
                    }
                }
                case 2 -> {
                    if (at < s.length()) {
                        s.setCharAt(at, (char) ('0' + random.nextInt(10)));
                    }
                }
                default -> s.insert(at, nasty(random));
            }
        }
        return s.toString();
    }
}
