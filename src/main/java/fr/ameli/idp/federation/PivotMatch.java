package fr.ameli.idp.federation;

import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.NameNormalizer;
import fr.ameli.idp.registry.Registry;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Finds the insured persons an identity pivot designates (SPEC 3.3): same birth name, all given names in
 * order, birth date (presumed {@code 00} parts included), gender, birth place and birth country, names
 * folded by {@link NameNormalizer} (case, accents, hyphens, spaces, apostrophes). The e-mail plays no part.
 * The caller acts only on exactly one match.
 */
@Component
class PivotMatch {

    private final Registry registry;

    PivotMatch(Registry registry) {
        this.registry = registry;
    }

    Mono<List<InsuredPerson>> candidates(FederatedIdentity identity) {
        if (identity.gender() == null) {
            // FranceConnect's « unspecified »: the registry records male or female only, so nobody matches.
            return Mono.just(List.of());
        }
        return registry.findByPivot(identity.familyName(), identity.birthDate(), identity.gender())
                .filter(person -> matches(person, identity))
                .collectList();
    }

    static boolean matches(InsuredPerson person, FederatedIdentity identity) {
        return NameNormalizer.sameName(identity.familyName(), person.birthName())
                && NameNormalizer.sameName(identity.givenNames(), person.givenNames())
                && person.birthDate().equals(identity.birthDate())
                && person.gender() == identity.gender()
                && Objects.equals(place(person.birthplace()), place(identity.birthplace()))
                && person.birthcountry().equals(identity.birthcountry());
    }

    private static @Nullable String place(@Nullable String cog) {
        return cog == null || cog.isBlank() ? null : cog.toUpperCase(Locale.ROOT);
    }
}
