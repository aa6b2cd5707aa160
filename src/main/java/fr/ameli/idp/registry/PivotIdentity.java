package fr.ameli.idp.registry;

import org.jspecify.annotations.Nullable;

/**
 * What a relying party may be told of an insured person: the FranceConnect identity pivot (given names, birth name,
 * birth date, gender, birth place and country) with the usage name, and the NIR its pairwise subject is derived from.
 * Read by itself ({@link Registry#PIVOT_COLUMNS}, {@link Registry#pivotIdentity}) where a request needs no more of the
 * person: userinfo reads these eight columns, not the bank details, postal codes and card of {@link InsuredPerson}.
 * Its {@code toString} leaves out the NIR.
 */
public record PivotIdentity(
        Nir nir,
        String birthName,
        @Nullable String usageName,
        String givenNames,
        Gender gender,
        BirthDate birthDate,
        @Nullable String birthplace,
        String birthcountry) {

    @Override
    public String toString() {
        return "PivotIdentity[" + birthName + "]";
    }
}
