package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.ShuttingDown}: systemd is shutting down. */
public class ShuttingDown extends DBusExecutionException {
    public ShuttingDown(String message) {
        super(message);
    }
}
