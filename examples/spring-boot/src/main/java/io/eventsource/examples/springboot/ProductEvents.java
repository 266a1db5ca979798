package io.eventsource.examples.springboot;

/** The events of a {@code Product}, published and handled as records (the starter's Jackson serializer). */
final class ProductEvents {
    static final String PRODUCT = "Product";
    static final String PROJECTION = "projections";

    private ProductEvents() {
    }

    /** A product was listed, at a price in cents. */
    record ProductCreated(String name, long price) {
    }

    /** A product's price changed, in cents. */
    record PriceChanged(long price) {
    }

    /** Units came into stock (positive) or went out (negative). */
    record StockAdjusted(long delta) {
    }

    /** A product was renamed. */
    record ProductRenamed(String name) {
    }

    /** A product will not be sold again. */
    record ProductDiscontinued() {
    }
}
