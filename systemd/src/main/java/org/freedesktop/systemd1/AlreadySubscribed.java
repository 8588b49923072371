package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.AlreadySubscribed}: Subscribe() was already called on this connection. */
public class AlreadySubscribed extends DBusExecutionException {
    public AlreadySubscribed(String message) {
        super(message);
    }
}
