/**
 * The schema migrations, {@code V<n>__<what>.sql} beside this file in the resources, run by Flyway at start with
 * {@code ${prefix}} replaced by the table prefix. Never change a released one: add the next version, as a file in
 * this folder ({@code src/main/resources/io/eventsource/adapter/mysql/migration}); Flyway finds it there, no list to
 * edit.
 */
package io.eventsource.adapter.mysql.migration;
