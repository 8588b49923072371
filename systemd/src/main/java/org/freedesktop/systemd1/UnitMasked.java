package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.UnitMasked}: the unit is masked. */
public class UnitMasked extends DBusExecutionException {
    public UnitMasked(String message) {
        super(message);
    }
}
