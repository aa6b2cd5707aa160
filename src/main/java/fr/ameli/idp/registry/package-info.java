/**
 * The insured-person registry's value types and the pure rules attached to them (SPEC 3.1):
 * NIR, IBAN, INSEE COG codes, birth dates and name matching. No Spring, no I/O.
 */
@NullMarked
package fr.ameli.idp.registry;

import org.jspecify.annotations.NullMarked;
