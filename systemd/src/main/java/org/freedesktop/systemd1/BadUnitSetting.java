package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.BadUnitSetting}: the unit file has an invalid setting. */
public class BadUnitSetting extends DBusExecutionException {
    public BadUnitSetting(String message) {
        super(message);
    }
}
