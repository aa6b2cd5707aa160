package fr.ameli.idp.token;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What key maintenance must write, decided from the stored schedules alone. Pure, so that it is decided
 * once without a lock (usually: nothing to do) and again under the advisory lock, on fresh rows, before
 * anything is written.
 *
 * <p>Per algorithm:
 * <ol>
 * <li>no key signs now (first start, or every key expired): create one that signs at once;</li>
 * <li>the newest key activated {@code rotationPeriod - publishAhead} ago or more (or {@code force} and no
 *     key is waiting to activate): create the next one, published now, signing {@code publishAhead} later;</li>
 * <li>a key whose successor has activated is retired at that moment and expires
 *     {@code retainAfterRetire} later, by when every token it signed has expired;</li>
 * <li>an expired key is deleted.</li>
 * </ol>
 *
 * @param create for each algorithm that needs a new key, when that key starts signing (it is published at {@code now})
 */
record RotationPlan(Instant now, Map<JWSAlgorithm, Instant> create, List<Retirement> retire, List<String> delete) {

    static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    record Retirement(String kid, Instant retireAt, Instant expireAt) {
    }

    RotationPlan {
        create = Map.copyOf(create);
        retire = List.copyOf(retire);
        delete = List.copyOf(delete);
    }

    static RotationPlan decide(List<KeySchedule> keys, Instant now, KeyProperties properties, boolean force) {
        Map<JWSAlgorithm, Instant> create = new LinkedHashMap<>();
        List<Retirement> retire = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        for (JWSAlgorithm alg : ALGORITHMS) {
            List<KeySchedule> ofAlg = keys.stream()
                    .filter(k -> k.alg().equals(alg))
                    .sorted(Comparator.comparing(KeySchedule::activateAt).thenComparing(KeySchedule::kid))
                    .toList();
            List<KeySchedule> live = ofAlg.stream().filter(k -> !k.expiredAt(now)).toList();
            boolean signing = live.stream().anyMatch(k -> k.activatedAt(now));
            if (!signing) {
                create.put(alg, now);
            } else {
                Instant newest = live.get(live.size() - 1).activateAt();
                boolean due = force
                        ? !newest.isAfter(now)
                        : !newest.plus(properties.rotationPeriod().minus(properties.publishAhead())).isAfter(now);
                if (due) {
                    create.put(alg, now.plus(properties.publishAhead()));
                }
            }
            for (int i = 0; i < ofAlg.size(); i++) {
                KeySchedule key = ofAlg.get(i);
                Instant expireAt = key.expireAt();
                if (key.retireAt() == null && i + 1 < ofAlg.size() && ofAlg.get(i + 1).activatedAt(now)) {
                    Instant retireAt = ofAlg.get(i + 1).activateAt();
                    expireAt = retireAt.plus(properties.retainAfterRetire());
                    retire.add(new Retirement(key.kid(), retireAt, expireAt));
                }
                if (expireAt != null && !now.isBefore(expireAt)) {
                    delete.add(key.kid());
                }
            }
        }
        return new RotationPlan(now, create, retire, delete);
    }

    boolean isEmpty() {
        return create.isEmpty() && retire.isEmpty() && delete.isEmpty();
    }
}
