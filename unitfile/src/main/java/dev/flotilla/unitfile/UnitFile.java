package dev.flotilla.unitfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A parsed, valid unit file. The raw text stays the source of truth: it is what gets installed on
 * a machine and what {@link #hash()} is computed over; the options and the [X-Fleet] requirements
 * are read from it.
 *
 * <p>Every refusal (bad name, syntax, limits, encoding, [X-Fleet] rules, resource values) is a
 * {@link UnitFileException} naming the line and the problem.
 */
public final class UnitFile {

    /**
     * A unit file over 512 KiB is refused: the most the cluster can always store, since a global
     * unit is written twice (the unit and its globals index entry) in one etcd transaction and
     * etcd refuses requests over 1.5 MiB by default.
     */
    public static final int MAX_BYTES = 512 << 10;
    /** A line over 64 KiB (excluding its line break) is refused. */
    public static final int MAX_LINE_BYTES = 64 << 10;

    private final UnitName name;
    private final String text;
    private final List<UnitOption> options;
    private final FleetRequirements fleet;
    private final Demand demand;
    private final List<Problem> warnings;
    /** Computed on first use: most parses (e.g. the engine's) never need it. */
    private volatile String hash;

    private UnitFile(UnitName name, String text, List<UnitOption> options, FleetRequirements fleet, Demand demand,
                     List<Problem> warnings) {
        this.name = name;
        this.text = text;
        this.options = options;
        this.fleet = fleet;
        this.demand = demand;
        this.warnings = warnings;
    }

    /** Parses UTF-8 bytes as the unit {@code unitName} (validated as given, no suffix defaulting). */
    public static UnitFile parse(String unitName, byte[] text) {
        UnitName n = UnitName.parse(unitName);
        return build(n, UnitText.decode(text));
    }

    /** Parses text as the unit {@code unitName} (validated as given, no suffix defaulting). */
    public static UnitFile parse(String unitName, String text) {
        UnitName n = UnitName.parse(unitName);
        return build(n, UnitText.check(text));
    }

    public static UnitFile parse(UnitName unitName, String text) {
        return build(Objects.requireNonNull(unitName, "unitName"), UnitText.check(text));
    }

    /**
     * Reads a unit file from disk; its name is the file name with fleet's {@code .service}
     * defaulting. At most one byte past the size limit is read.
     */
    public static UnitFile read(Path file) throws IOException {
        Path fileName = file.getFileName();
        if (fileName == null) {
            throw new UnitFileException(0, "'" + file + "' has no file name");
        }
        UnitName n = UnitName.parse(UnitName.withDefaultSuffix(fileName.toString()));
        return build(n, UnitText.decode(UnitText.read(file)));
    }

    /**
     * Builds a unit from fleet API options ({@code {section, name, value}}; the line is ignored).
     * The text is {@code [Section]\nName=Value\n} with sections in order of first appearance and a
     * blank line between them. Values are not escaped: options the syntax cannot carry exactly
     * (line breaks, NUL, leading/trailing blanks) are refused.
     */
    public static UnitFile fromOptions(String unitName, List<UnitOption> options) {
        UnitName n = UnitName.parse(unitName);
        return build(n, UnitText.check(OptionsText.write(options)));
    }

    static UnitFile build(UnitName name, String text) {
        UnitParser.Parsed parsed = UnitParser.parse(text);
        List<Problem> problems = parsed.problems();
        FleetRequirements fleet = FleetSection.extract(name, parsed.options(), problems);
        Demand demand = DemandSection.extract(name, parsed.options(), problems);
        boolean failed = false;
        for (Problem p : problems) {
            failed |= p.isError();
        }
        if (failed) {
            problems.sort(Comparator.comparingInt(Problem::line));
            throw new UnitFileException(problems);
        }
        List<Problem> warnings = problems.isEmpty() ? List.of() : sortedCopy(problems);
        return new UnitFile(name, text, List.copyOf(parsed.options()), fleet, demand, warnings);
    }

    public UnitName name() {
        return name;
    }

    /** The raw text, exactly as given (line breaks, comments and all). */
    public String text() {
        return text;
    }

    /** SHA-1 of the text's UTF-8 bytes, 40 lowercase hex digits. */
    public String hash() {
        String h = hash;
        if (h == null) {
            h = hashOf(text);
            hash = h;
        }
        return h;
    }

    /** Every assignment in file order (fleet's API form), continuation lines joined. */
    public List<UnitOption> options() {
        return options;
    }

    /** The values of {@code key} in {@code section}, in file order, across repeated sections. */
    public List<String> values(String section, String key) {
        List<String> out = new ArrayList<>(2);
        for (UnitOption o : options) {
            if (o.section().equals(section) && o.name().equals(key)) {
                out.add(o.value());
            }
        }
        return out;
    }

    /** The [X-Fleet] requirements, specifiers expanded for this unit's name. */
    public FleetRequirements fleet() {
        return fleet;
    }

    /**
     * What the unit reserves on its machine: from {@code [Service] MemoryMax=} / {@code MemoryHigh=} /
     * {@code MemoryLimit=} and {@code CPUQuota=}, overridden by {@code [X-Fleet] MemoryRequest=} /
     * {@code CPURequest=}; {@link Demand#NONE} when it says nothing.
     */
    public Demand demand() {
        return demand;
    }

    /** Problems that did not refuse the unit (unknown [X-Fleet] keys, legacy names, ...), by line. */
    public List<Problem> warnings() {
        return warnings;
    }

    /**
     * Whether the unit has an [Install] section with at least one option: then the agent also
     * enables it. An empty [Install] gives {@code systemctl enable} nothing to do, so it does not count.
     */
    public boolean hasInstallSection() {
        for (UnitOption o : options) {
            if (o.section().equals("Install")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The same text as the instance {@code instance} of this template, with [X-Fleet] specifiers
     * ({@code %i} and friends) expanded for the instance's name.
     */
    public UnitFile instantiate(UnitName instance) {
        Objects.requireNonNull(instance, "instance");
        if (!name.isTemplate()) {
            throw new UnitFileException(0, "unit " + name + " is not a template (a template looks like foo@.service)");
        }
        if (!instance.isInstance() || !instance.template().equals(name)) {
            throw new UnitFileException(0, "unit " + instance + " is not an instance of " + name);
        }
        return build(instance, text);
    }

    /**
     * fleet's symmetric conflict rule: true if either unit's Conflicts patterns match the other's
     * name. A unit never conflicts with itself.
     */
    public boolean conflictsWith(UnitFile other) {
        String a = name.value();
        String b = other.name.value();
        return !a.equals(b) && (fleet.conflictsWith(b) || other.fleet.conflictsWith(a));
    }

    /** Equal when name and text are equal; everything else is derived from them. */
    @Override
    public boolean equals(Object o) {
        return o instanceof UnitFile u && u.name.equals(name) && u.text.equals(text);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + text.hashCode();
    }

    @Override
    public String toString() {
        return "UnitFile[" + name + ", " + options.size() + " options]";
    }

    /**
     * The unit hash: SHA-1 of the bytes, 40 lowercase hex digits. The one definition the cluster
     * uses (records, assignments, the agent's files on disk), so the same text always gets the
     * same hash wherever it is computed.
     */
    public static String hashOf(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-1.
            throw new IllegalStateException(e);
        }
    }

    /** {@link #hashOf(byte[])} of the text's UTF-8 bytes. */
    public static String hashOf(String text) {
        return hashOf(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Problem> sortedCopy(List<Problem> problems) {
        List<Problem> copy = new ArrayList<>(problems);
        copy.sort(Comparator.comparingInt(Problem::line));
        return List.copyOf(copy);
    }
}
