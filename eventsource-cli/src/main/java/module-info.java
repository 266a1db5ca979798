/**
 * The admin CLI: an operator's commands on a namespace ({@code status}, {@code failures}, {@code drop-namespace}),
 * on the real services, with the library's own environment variables. An application: it composes the adapters in a
 * Dagger component of its own, as the examples do, and exports nothing.
 */
module io.eventsource.cli {
    // LagReader and BindingLag: the lag that the meters report, measured the same way
    requires io.eventsource.core;
    // the adapters' modules and settings, and their namespace tools (tables, broker objects, Redis keys)
    requires io.eventsource.adapter.rabbitmq;
    requires io.eventsource.adapter.redis;
    requires io.eventsource.adapter.mysql;
    // picocli is an automatic module, named by its manifest's Automatic-Module-Name
    requires info.picocli;
    // the CLI's composition is a Dagger component
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the generated component
    requires static java.compiler;

    // picocli reads and sets the commands' annotated fields reflectively
    opens io.eventsource.cli to info.picocli;
}
