package io.eventsource.adapter.fake.internal;

/** Allowed: public in an implementation sub-package, which the adapter's module-info does not export. */
public final class PublicInternalHelper {
}
