package dev.dbre.config;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value built on first use and kept: cloud clients a function may never need (the secret store
 * when restored databases are not verified with a secret, the S3, SSM, Blob or Cloud Storage client
 * when the policy is a file) are not built at cold start. A build that throws is tried again on the
 * next use.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<? extends T> factory;
    private volatile T value;

    private Lazy(Supplier<? extends T> factory) {
        this.factory = Objects.requireNonNull(factory);
    }

    public static <T> Lazy<T> of(Supplier<? extends T> factory) {
        return new Lazy<>(factory);
    }

    /** The value, built now if it was not yet. */
    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(factory.get(), "factory returned null");
                    value = v;
                }
            }
        }
        return v;
    }

    /** Whether the value has been built. */
    public boolean isBuilt() {
        return value != null;
    }

    @Override
    public String toString() {
        return "Lazy[" + (value == null ? "not built" : value) + "]";
    }
}
