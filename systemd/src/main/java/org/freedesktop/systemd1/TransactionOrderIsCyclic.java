package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.TransactionOrderIsCyclic}: the transaction has an ordering cycle. */
public class TransactionOrderIsCyclic extends DBusExecutionException {
    public TransactionOrderIsCyclic(String message) {
        super(message);
    }
}
