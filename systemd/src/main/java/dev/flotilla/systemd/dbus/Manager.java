package dev.flotilla.systemd.dbus;

import java.util.List;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/**
 * The subset of {@code org.freedesktop.systemd1.Manager} that Flotilla uses. Method names are the
 * D-Bus member names on purpose (dbus-java maps them 1:1), signatures as in systemd 252.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
public interface Manager extends DBusInterface {

    /** Object path of the manager. */
    String PATH = "/org/freedesktop/systemd1";
    /** Well-known bus name of systemd on the system bus. */
    String BUS_NAME = "org.freedesktop.systemd1";

    /** {@code ListUnits() -> a(ssssssouso)}: all loaded units. */
    List<UnitInfo> ListUnits();

    /** {@code ListUnitsByNames(as) -> a(ssssssouso)}: loads units on demand; invalid names are skipped. */
    List<UnitInfo> ListUnitsByNames(List<String> names);

    /** {@code GetUnit(s) -> o}: NoSuchUnit if the unit is not loaded (GC'd units are not). */
    DBusPath GetUnit(String name);

    /** {@code LoadUnit(s) -> o}. */
    DBusPath LoadUnit(String name);

    /** {@code StartUnit(ss) -> o}: returns the job path. */
    DBusPath StartUnit(String name, String mode);

    /** {@code StopUnit(ss) -> o}: NoSuchUnit if the unit is not loaded. */
    DBusPath StopUnit(String name, String mode);

    /** {@code RestartUnit(ss) -> o}. */
    DBusPath RestartUnit(String name, String mode);

    /** {@code ResetFailedUnit(s)}: NoSuchUnit if the unit is not loaded. */
    void ResetFailedUnit(String name);

    /** {@code Reload()}: daemon-reload; blocks until systemd has re-read its configuration. */
    void Reload();

    /** {@code Subscribe()}: needed on the system bus for systemd to emit signals to us. */
    void Subscribe();

    /** {@code LinkUnitFiles(as files, b runtime, b force) -> a(sss)}. */
    List<UnitFileChange> LinkUnitFiles(List<String> files, boolean runtime, boolean force);

    /** {@code EnableUnitFiles(as files, b runtime, b force) -> b carries_install_info, a(sss) changes}. */
    EnableResult<Boolean, List<UnitFileChange>> EnableUnitFiles(List<String> files, boolean runtime, boolean force);

    /** {@code DisableUnitFiles(as files, b runtime) -> a(sss)}. */
    List<UnitFileChange> DisableUnitFiles(List<String> files, boolean runtime);

    /** {@code JobNew(u id, o job, s unit)}. */
    final class JobNew extends DBusSignal {
        private final UInt32 id;
        private final DBusPath job;
        private final String unit;

        public JobNew(String path, UInt32 id, DBusPath job, String unit) throws DBusException {
            super(path, id, job, unit);
            this.id = id;
            this.job = job;
            this.unit = unit;
        }

        public UInt32 id() {
            return id;
        }

        public DBusPath job() {
            return job;
        }

        public String unit() {
            return unit;
        }
    }

    /** {@code JobRemoved(u id, o job, s unit, s result)}: result is done, canceled, timeout, failed, dependency, skipped, ... */
    final class JobRemoved extends DBusSignal {
        private final UInt32 id;
        private final DBusPath job;
        private final String unit;
        private final String result;

        public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result) throws DBusException {
            super(path, id, job, unit, result);
            this.id = id;
            this.job = job;
            this.unit = unit;
            this.result = result;
        }

        public UInt32 id() {
            return id;
        }

        public DBusPath job() {
            return job;
        }

        public String unit() {
            return unit;
        }

        public String result() {
            return result;
        }
    }

    /** {@code UnitNew(s id, o unit)}: a unit object was created (loaded, or re-created by Reload). */
    final class UnitNew extends DBusSignal {
        private final String unitName;
        private final DBusPath unitPath;

        public UnitNew(String path, String unitName, DBusPath unitPath) throws DBusException {
            super(path, unitName, unitPath);
            this.unitName = unitName;
            this.unitPath = unitPath;
        }

        public String unitName() {
            return unitName;
        }

        public DBusPath unitPath() {
            return unitPath;
        }
    }

    /** {@code UnitRemoved(s id, o unit)}: a unit object was freed (GC'd, or torn down by Reload). */
    final class UnitRemoved extends DBusSignal {
        private final String unitName;
        private final DBusPath unitPath;

        public UnitRemoved(String path, String unitName, DBusPath unitPath) throws DBusException {
            super(path, unitName, unitPath);
            this.unitName = unitName;
            this.unitPath = unitPath;
        }

        public String unitName() {
            return unitName;
        }

        public DBusPath unitPath() {
            return unitPath;
        }
    }

    /** {@code Reloading(b active)}: true before a daemon-reload, false after it. */
    final class Reloading extends DBusSignal {
        private final boolean active;

        public Reloading(String path, Boolean active) throws DBusException {
            super(path, active);
            this.active = active;
        }

        public boolean active() {
            return active;
        }
    }

    /** {@code UnitFilesChanged()}. */
    final class UnitFilesChanged extends DBusSignal {
        public UnitFilesChanged(String path) throws DBusException {
            super(path);
        }
    }
}
