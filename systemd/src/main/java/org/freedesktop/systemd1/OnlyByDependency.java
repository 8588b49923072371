package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.OnlyByDependency}: the unit may only be started as a dependency. */
public class OnlyByDependency extends DBusExecutionException {
    public OnlyByDependency(String message) {
        super(message);
    }
}
