package fr.ameli.idp.registry;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Folds names for identity matching (SPEC 3.2.1: "ignoring case, accents, hyphens and spaces";
 * SPEC 3.3: matching the federated identity pivot against the registry).
 *
 * <p>{@link #normalize} applies, in order: Unicode NFKD (canonical decomposition, which splits
 * accented letters, plus compatibility decomposition, which also splits ligatures such as "ﬁ"
 * and full-width letters); removal of the combining marks (the accents); upper case in
 * {@link Locale#ROOT} (which turns ß into SS); the letters that Unicode does not decompose:
 * Œ → OE, Æ → AE, ẞ → SS, Ø → O, Ł → L, Đ → D; and finally removal of every character that is
 * not a letter (hyphens and dashes, apostrophes ' and ’, spaces, dots, digits…). So "Jean-Pierre",
 * "jean pierre", "JEAN PIERRE" and "Jéan–Piérre" all give {@code JEANPIERRE}, and "D'Arc" gives
 * {@code DARC}. Umlauts fold to the bare vowel (Müller → {@code MULLER}), as on French civil
 * status records, not to the German transcription ({@code MUELLER}).
 *
 * <p><b>Given names.</b> A person has several given names ("Jean-Pierre Louis"); the registry and
 * FranceConnect both carry all of them, separated by spaces. They are compared with
 * {@link #sameName} on the whole string: all given names, in order, concatenated without
 * separators. This is the simplest rule that is robust to the way the separators are written
 * ("Jean-Pierre Louis", "Jean Pierre Louis", "JEAN-PIERRE-LOUIS" all match), and it still
 * refuses a missing, extra or reordered given name.
 */
public final class NameNormalizer {

    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");

    private NameNormalizer() {
    }

    /**
     * The name folded as described in the class comment; empty for {@code null} or a name
     * without letters.
     */
    public static String normalize(@Nullable String name) {
        if (name == null) {
            return "";
        }
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFKD);
        String upper = COMBINING_MARKS.matcher(decomposed).replaceAll("").toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(upper.length());
        upper.codePoints().forEach(cp -> {
            switch (cp) {
                case 'Œ' -> out.append("OE");
                case 'Æ' -> out.append("AE");
                case '\u1E9E' -> out.append("SS");
                case 'Ø' -> out.append('O');
                case 'Ł' -> out.append('L');
                case 'Đ' -> out.append('D');
                default -> {
                    if (Character.isLetter(cp)) {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.toString();
    }

    /**
     * Whether two names, or two lists of given names, designate the same name once folded by
     * {@link #normalize}. A name without any letter matches nothing, not even itself.
     */
    public static boolean sameName(@Nullable String a, @Nullable String b) {
        String left = normalize(a);
        return !left.isEmpty() && left.equals(normalize(b));
    }
}
