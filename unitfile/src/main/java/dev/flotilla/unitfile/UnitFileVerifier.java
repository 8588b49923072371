package dev.flotilla.unitfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code flotctl verify FILE...} needs: for a file name and its bytes, every problem as a
 * printable line. Pure apart from {@link #check(Path)}, which reads the file it is given.
 *
 * <p>The unit name is the file name's last path element with fleet's {@code .service}
 * defaulting, and the name is itself checked (a template such as {@code web@.service} is valid
 * to submit). When the name is invalid the text is still checked for syntax errors, but not
 * against the [X-Fleet] rules, whose specifiers need a valid name.
 */
public final class UnitFileVerifier {

    private UnitFileVerifier() {
    }

    /** The formatted problem lines; empty when the file is valid and has no warnings. */
    public static List<String> verify(String fileName, byte[] content) {
        return check(fileName, content).lines();
    }

    public static Verification check(String fileName, byte[] content) {
        String shown = fileName == null ? "" : fileName;
        List<Problem> problems = new ArrayList<>();
        UnitName name = null;
        String base = shown.substring(shown.lastIndexOf('/') + 1);
        if (base.isEmpty()) {
            problems.add(Problem.error(0, "the file name is empty"));
        } else {
            String unitName = UnitName.withDefaultSuffix(base);
            String why = UnitName.check(unitName);
            if (why != null) {
                problems.add(Problem.error(0, why));
            } else {
                name = new UnitName(unitName);
            }
        }
        try {
            String text = UnitText.decode(content);
            if (name != null) {
                UnitFile unit = UnitFile.build(name, text);
                problems.addAll(unit.warnings());
                if (unit.options().isEmpty()) {
                    problems.add(Problem.warning(0, "the unit file has no options"));
                }
            } else {
                problems.addAll(UnitParser.parse(text).problems());
            }
        } catch (UnitFileException e) {
            problems.addAll(e.problems());
        }
        problems.sort(Comparator.comparingInt(Problem::line));
        return new Verification(shown, problems);
    }

    /** Reads and checks a file; a file that cannot be read is reported as an error, not thrown. */
    public static Verification check(Path file) {
        byte[] content;
        try {
            content = UnitText.read(file);
        } catch (IOException e) {
            return new Verification(file.toString(),
                    List.of(Problem.error(0, "cannot read the file: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()))));
        }
        return check(file.toString(), content);
    }
}
