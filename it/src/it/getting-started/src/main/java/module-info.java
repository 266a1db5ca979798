/** A user's service on eventsource: orders are placed here, billed and shipped by two projecting services. */
module com.example.orders {
    // the runtime (Eventsource, Publisher, Listener, EventsourceModule) and, transitively, the ports and the domain
    requires io.eventsource.core;
    // InMemoryModule and its virtual clock
    requires io.eventsource.adapter.inmemory;
    // OrdersApp is a Dagger component: @Component, and the dagger.internal classes its generated code uses
    requires dagger;
    // @Singleton: the library's Dagger modules provide singletons, so the component must be scoped
    requires jakarta.inject;
    // Dagger may put @javax.annotation.processing.Generated on the component it generates
    requires static java.compiler;
}
