package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.NotSubscribed}: Unsubscribe() without Subscribe(). */
public class NotSubscribed extends DBusExecutionException {
    public NotSubscribed(String message) {
        super(message);
    }
}
