package dev.dbre.azure;

import java.util.Objects;
import java.util.function.Supplier;

/** A value built on first use and kept (clients and credentials a function may never need). */
public final class Lazy {
    private Lazy() {}

    /** {@code supplier}, called at most once successfully (on first use), its result kept. */
    public static <T> Supplier<T> of(Supplier<T> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
