package dev.flotilla.api.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** What the API counts about itself: answers by status class, etcd failures met while serving. */
final class ApiStats {
    private final AtomicLongArray byClass = new AtomicLongArray(6);
    private final AtomicLong etcdErrors = new AtomicLong();

    void answered(int status) {
        int c = status / 100;
        if (c >= 1 && c <= 5) {
            byClass.incrementAndGet(c);
        }
    }

    void etcdError() {
        etcdErrors.incrementAndGet();
    }

    long answers(int statusClass) {
        return byClass.get(statusClass);
    }

    long etcdErrors() {
        return etcdErrors.get();
    }
}
