/**
 * D-Bus binding types for {@code org.freedesktop.systemd1}, written for dbus-java 5.2.0.
 *
 * <p>Public only because dbus-java builds proxies and signal objects from them by reflection;
 * they are not Flotilla API. Use {@link dev.flotilla.systemd.Systemd} instead.
 */
package dev.flotilla.systemd.dbus;
