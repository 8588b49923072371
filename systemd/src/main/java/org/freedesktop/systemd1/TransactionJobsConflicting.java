package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.TransactionJobsConflicting}: the transaction holds conflicting jobs. */
public class TransactionJobsConflicting extends DBusExecutionException {
    public TransactionJobsConflicting(String message) {
        super(message);
    }
}
