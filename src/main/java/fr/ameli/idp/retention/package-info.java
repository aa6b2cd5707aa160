/**
 * Retention: what the service stores only for a while is deleted once its time is over. {@link
 * fr.ameli.idp.retention.RetentionSweep} is a background job that deletes expired rows, table by table, in
 * bounded batches, one instance at a time; its rules say for each table when a row is dead and how long it is
 * kept after that.
 */
@NullMarked
package fr.ameli.idp.retention;

import org.jspecify.annotations.NullMarked;
