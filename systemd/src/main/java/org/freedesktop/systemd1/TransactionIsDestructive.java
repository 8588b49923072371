package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.TransactionIsDestructive}: the job conflicts with an irreversible job. */
public class TransactionIsDestructive extends DBusExecutionException {
    public TransactionIsDestructive(String message) {
        super(message);
    }
}
