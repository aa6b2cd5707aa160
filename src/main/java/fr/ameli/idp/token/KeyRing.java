package fr.ameli.idp.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An immutable view of the loaded keys at one time: the key that signs for each algorithm, the published
 * keys by kid, and the JWKS already serialized. It holds until the next publish, activate or expire instant
 * of any key ({@link #validAt}); then {@link #at} computes the next view from the same keys, without the
 * database. {@code version} orders views read from the database, so that a slow reload never replaces a
 * fresher one.
 */
final class KeyRing {

    private static final Comparator<LoadedKey> NEWEST_FIRST = Comparator
            .comparing((LoadedKey k) -> k.schedule().activateAt()).reversed()
            .thenComparing(LoadedKey::kid);

    static final KeyRing EMPTY = at(0, List.of(), Instant.EPOCH);

    private final long version;
    private final List<LoadedKey> keys;
    private final Instant from;
    private final Instant until;
    private final Map<JWSAlgorithm, LoadedKey> active;
    private final Map<String, LoadedKey> published;
    private final JWKSet publishedSet;
    private final byte[] json;

    private KeyRing(long version, List<LoadedKey> keys, Instant now) {
        this.version = version;
        this.keys = keys.stream().sorted(NEWEST_FIRST).toList();
        this.from = now;
        this.until = this.keys.stream()
                .map(LoadedKey::schedule)
                .flatMap(s -> Stream.of(s.publishAt(), s.activateAt(), s.expireAt()))
                .filter(t -> t != null && t.isAfter(now))
                .min(Comparator.naturalOrder())
                .orElse(Instant.MAX);
        Map<JWSAlgorithm, LoadedKey> activeKeys = new HashMap<>();
        Map<String, LoadedKey> publishedKeys = new HashMap<>();
        for (LoadedKey key : this.keys) {
            KeySchedule s = key.schedule();
            if (s.publishedAt(now)) {
                publishedKeys.put(key.kid(), key);
                // newest first: the first activated key of an algorithm is the one that signs
                if (s.activatedAt(now)) {
                    activeKeys.putIfAbsent(s.alg(), key);
                }
            }
        }
        this.active = Map.copyOf(activeKeys);
        this.published = Map.copyOf(publishedKeys);
        List<JWK> publicKeys = this.keys.stream()
                .filter(k -> publishedKeys.containsKey(k.kid()))
                .map(LoadedKey::publicJwk)
                .toList();
        this.publishedSet = new JWKSet(publicKeys);
        this.json = JSONObjectUtils.toJSONString(publishedSet.toJSONObject(true)).getBytes(StandardCharsets.UTF_8);
    }

    private KeyRing(KeyRing same, long version) {
        this.version = version;
        this.keys = same.keys;
        this.from = same.from;
        this.until = same.until;
        this.active = same.active;
        this.published = same.published;
        this.publishedSet = same.publishedSet;
        this.json = same.json;
    }

    static KeyRing at(long version, List<LoadedKey> keys, Instant now) {
        return new KeyRing(version, keys, now);
    }

    KeyRing at(Instant now) {
        return new KeyRing(version, keys, now);
    }

    /**
     * The view to keep once {@code next} is read from the database: the fresher of the two, and when the keys
     * did not change, this very view under the newer version, so the JWKS bytes stay the same array.
     */
    KeyRing updatedBy(KeyRing next) {
        if (next.version <= version) {
            return this;
        }
        return next.keys.equals(keys) && validAt(next.from) ? new KeyRing(this, next.version) : next;
    }

    boolean validAt(Instant now) {
        return !now.isBefore(from) && now.isBefore(until);
    }

    long version() {
        return version;
    }

    List<LoadedKey> keys() {
        return keys;
    }

    @Nullable LoadedKey active(JWSAlgorithm alg) {
        return active.get(alg);
    }

    @Nullable LoadedKey published(String kid) {
        return published.get(kid);
    }

    JWKSet publishedSet() {
        return publishedSet;
    }

    /** Shared: callers write it out, never modify it. */
    byte[] json() {
        return json;
    }
}
