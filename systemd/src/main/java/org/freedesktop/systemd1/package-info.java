/**
 * Java twins of systemd's D-Bus error names. dbus-java turns an error reply into an exception of
 * the class whose fully qualified name equals the error name, so these classes must live in this
 * package with exactly these names; any other error arrives as a plain DBusExecutionException and
 * its name is lost.
 */
package org.freedesktop.systemd1;
