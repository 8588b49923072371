package dev.flotilla.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Unit texts whose facts are pinned in {@link UnitFactsTest}: the repository's example and
 * packaging units, and texts of the kinds the agent, engine and API tests use.
 */
final class UnitTextCorpus {
    private UnitTextCorpus() {
    }

    record Named(String name, String text) {
    }

    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();

    static final String PLAIN = "[Service]\nExecStart=/bin/sleep infinity\n";

    static List<Named> all() {
        List<Named> out = new ArrayList<>();
        out.add(file("examples/socket-activated-container/web.socket"));
        out.add(file("examples/socket-activated-container/web@.service"));
        out.add(file("packaging/systemd/flotd.socket"));
        out.add(file("packaging/systemd/flotd.service"));
        out.add(new Named("a.service", PLAIN));
        out.add(new Named("web.service", "[Unit]\nDescription=Web\n\n[Service]\nExecStart=/bin/sleep infinity\n"));
        out.add(new Named("odd.service", "# web\r\n[Unit]\r\nDescription=Wéb  \r\n\r\n[Service]\r\nExecStart=/bin/true\r\n"));
        out.add(new Named("two.service", "[Unit]\nDescription=first\n[Unit]\nDescription=second\n" + PLAIN));
        out.add(new Named("mon.service", "[Unit]\nDescription=Monitor\n" + PLAIN + "[X-Fleet]\nGlobal=true\nConflicts=app*\n"));
        out.add(new Named("ssd.service", PLAIN + "[X-Fleet]\nGlobal=true\nMachineMetadata=disk=ssd\n"));
        out.add(new Named("notb.service", PLAIN + "[X-Fleet]\nGlobal=true\nMachineMetadata=az!=b\n"));
        out.add(new Named("meta.service", PLAIN + "[X-Fleet]\nMachineMetadata=disk=ssd disk=nvme region=eu\nMachineMetadata=az!=b\n"));
        out.add(new Named("pinned.service", PLAIN + "[X-Fleet]\nMachineID=0123456789abcdef0123456789abcdef\n"));
        out.add(new Named("db@1.service", PLAIN + "[X-Fleet]\nMachineOf=data@%i.service\nConflicts=db@*.service\n"));
        out.add(new Named("db@2.service", PLAIN + "[X-Fleet]\nMachineOf=data@%i.service\nConflicts=db@*.service\n"));
        out.add(new Named("new@1.service", PLAIN + "[X-Fleet]\nReplaces=old-%p-%i.service\n"));
        out.add(new Named("both.service", PLAIN + "[X-Fleet]\nConflicts=a*\nReplaces=b.service\n"));
        out.add(new Named("db@.service", PLAIN + "[X-Fleet]\nMachineOf=data@%i.service\nConflicts=db@*.service\n"));
        out.add(new Named("web@.service", PLAIN + "[Install]\nWantedBy=multi-user.target\n"));
        out.add(new Named("side.service", PLAIN + "[Install]\nWantedBy=main.service\n"));
        out.add(new Named("empty-install.service", PLAIN + "[Install]\n"));
        out.add(new Named("echo.socket", "[Socket]\nListenStream=127.0.0.70:7\n"));
        out.add(new Named("named.socket", "[Socket]\nListenStream=7\nService= other.service \n"));
        out.add(new Named("accept.socket", "[Socket]\nListenStream=7\nAccept=on\n"));
        out.add(new Named("noaccept.socket", "[Socket]\nListenStream=7\nAccept=yes\nAccept=no\n"));
        out.add(new Named("odd@x.socket", "[Socket]\nListenStream=7\nAccept=true\n"));
        out.add(new Named("legacy.service", PLAIN + "[X-Fleet]\nX-ConditionMachineOf=a.service\nX-Conflicts=b.service\n"));
        out.add(new Named("unknown.service", PLAIN + "[X-Fleet]\nFoo=bar\n"));
        out.add(new Named("bad.service", "no section here\n"));
        out.add(new Named("badglobal.service", PLAIN + "[X-Fleet]\nGlobal=maybe\n"));
        out.add(new Named("badmachine.service", PLAIN + "[X-Fleet]\nMachineID=xyz\n"));
        out.add(new Named("bad/name.service", PLAIN));
        out.add(new Named("empty.service", ""));
        return out;
    }

    private static Named file(String path) {
        Path p = ROOT.resolve(path);
        try {
            return new Named(p.getFileName().toString(), Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
