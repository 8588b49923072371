package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.NoSuchJob}: the job does not exist (any more). */
public class NoSuchJob extends DBusExecutionException {
    public NoSuchJob(String message) {
        super(message);
    }
}
