/**
 * Deliberate violations of the architecture rules, in a package named like the domain's: test fixtures only,
 * never part of a module. {@code ArchitectureRulesCanFailTest} checks that the rules report them.
 */
package io.eventsource.domain.violation;
