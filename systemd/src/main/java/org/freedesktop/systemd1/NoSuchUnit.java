package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.NoSuchUnit}: the unit is not loaded (stop/reset/get of a GC'd unit) or not found (start), or a unit file does not exist. */
public class NoSuchUnit extends DBusExecutionException {
    public NoSuchUnit(String message) {
        super(message);
    }
}
