/**
 * The schema migrations, {@code V<n>__<what>.sql} beside this file in the resources, run by Flyway at start with
 * {@code ${prefix}} replaced by the table prefix. Never change a released one: add the next version.
 */
package io.eventsource.adapter.postgresql.migration;
