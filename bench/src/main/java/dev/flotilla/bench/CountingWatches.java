package dev.flotilla.bench;

import dev.flotilla.registry.Registry;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One agent's registry that counts the watch events delivered to it: those of its own assignments
 * ({@code watchAssignments(machineId, ..)}) and those of every other watch it opens (global units,
 * metadata overrides, ...). Everything else passes through untouched.
 */
final class CountingWatches {
    final AtomicLong ownAssignmentEvents = new AtomicLong();
    final AtomicLong otherEvents = new AtomicLong();

    Registry wrap(Registry real) {
        return (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("watch") && args != null && args[args.length - 1] instanceof Consumer<?> listener) {
                        AtomicLong counter = method.getName().equals("watchAssignments") && args.length == 2
                                ? ownAssignmentEvents : otherEvents;
                        @SuppressWarnings("unchecked")
                        Consumer<Object> inner = (Consumer<Object>) listener;
                        Object[] counted = args.clone();
                        counted[args.length - 1] = (Consumer<Object>) e -> {
                            counter.incrementAndGet();
                            inner.accept(e);
                        };
                        args = counted;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
