// A user's service on eventsource: orders are placed here, billed and shipped by two projecting services.
// The README shows this declaration under "Add it to your build" (examples' ReadmeJavaBlocksTest keeps them equal).
// README: Add it to your build
module com.example.orders {
    requires io.eventsource.core;              // the runtime; gives you io.eventsource.ports and io.eventsource.domain
    requires io.eventsource.adapter.inmemory;  // one line per adapter your component lists: ...adapter.rabbitmq, ...
    requires dagger;                           // your @Component and the code Dagger generates for it
    requires jakarta.inject;                   // @Singleton on your component (the library's modules provide singletons)
    requires static java.compiler;             // Dagger may put @javax.annotation.processing.Generated on that code
}
// README: end
