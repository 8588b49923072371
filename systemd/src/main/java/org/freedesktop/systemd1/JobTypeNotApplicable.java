package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error {@code org.freedesktop.systemd1.JobTypeNotApplicable}: the job type does not apply to this unit. */
public class JobTypeNotApplicable extends DBusExecutionException {
    public JobTypeNotApplicable(String message) {
        super(message);
    }
}
