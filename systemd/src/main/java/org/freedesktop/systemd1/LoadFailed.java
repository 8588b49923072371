package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.LoadFailed}: the unit failed to load. */
public class LoadFailed extends DBusExecutionException {
    public LoadFailed(String message) {
        super(message);
    }
}
