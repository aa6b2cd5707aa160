/**
 * The ameli account's value types and pure rules (SPEC 3.2.5 and 3.2.6): password policy and
 * strength indicator, phone numbers and email addresses. No Spring, no I/O.
 */
@NullMarked
package fr.ameli.idp.account;

import org.jspecify.annotations.NullMarked;
