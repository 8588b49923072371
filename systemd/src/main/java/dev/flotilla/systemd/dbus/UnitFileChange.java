package dev.flotilla.systemd.dbus;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** One change reported by the unit-file methods: the struct {@code (sss)} = type (symlink/unlink/...), file, destination. */
public final class UnitFileChange extends Struct {
    @Position(0)
    private final String type;
    @Position(1)
    private final String file;
    @Position(2)
    private final String destination;

    public UnitFileChange(String type, String file, String destination) {
        this.type = type;
        this.file = file;
        this.destination = destination;
    }

    public String type() {
        return type;
    }

    public String file() {
        return file;
    }

    public String destination() {
        return destination;
    }

    /** Struct's toString is final in dbus-java, so a readable form has its own name. */
    public String describe() {
        return destination == null || destination.isEmpty() ? type + " " + file : type + " " + file + " -> " + destination;
    }
}
