package dev.dbre.gcp;

import java.util.function.Supplier;

/**
 * A value built on the first {@link #get()} and kept: a client the function may never need (the
 * Secret Manager store when no login asks for a secret) costs nothing until then.
 */
final class Lazy<T> implements Supplier<T> {
    private final Supplier<? extends T> factory;
    private volatile T value;

    Lazy(Supplier<? extends T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = factory.get();
                    value = v;
                }
            }
        }
        return v;
    }
}
