package dev.flotilla.flotd;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlotdArgumentsTest {

    private static FlotdArguments.Run run(String... args) {
        return assertInstanceOf(FlotdArguments.Run.class, FlotdArguments.parse(List.of(args)));
    }

    private static String invalid(String... args) {
        return assertInstanceOf(FlotdArguments.Invalid.class, FlotdArguments.parse(List.of(args))).message();
    }

    @Test
    void noArgumentsRunWithTheDefaultConfigFile() {
        FlotdArguments.Run r = run();
        assertEquals(Path.of("/etc/flotilla/flotd.conf"), r.configFile());
        assertEquals(false, r.explicitConfig());
        assertEquals(Map.of(), r.overrides());
    }

    @Test
    void optionsAreConfigKeysInBothSpellings() {
        FlotdArguments.Run r = run("--config=/tmp/f.conf", "--etcd-endpoints", "http://127.0.0.1:2379", "--machine-ttl=3",
                "--metadata=az=a,disk=ssd", "--api-socket=");
        assertEquals(Path.of("/tmp/f.conf"), r.configFile());
        assertTrue(r.explicitConfig());
        assertEquals(Map.of("etcd_endpoints", "http://127.0.0.1:2379", "machine_ttl", "3", "metadata", "az=a,disk=ssd",
                "api_socket", ""), r.overrides());
    }

    @Test
    void namedOptionsWinOverSetWhateverTheOrder() {
        FlotdArguments.Run r = run("--log-level=debug", "--set", "log_level=warn", "--set=state_dir=/x", "--set", "a=b=c");
        assertEquals(Map.of("log_level", "debug", "state_dir", "/x", "a", "b=c"), r.overrides());
    }

    @Test
    void helpAndVersionWinOverEverythingBeforeThem() {
        assertInstanceOf(FlotdArguments.Help.class, FlotdArguments.parse(List.of("--machine-ttl=3", "--help")));
        assertInstanceOf(FlotdArguments.Help.class, FlotdArguments.parse(List.of("-h")));
        assertInstanceOf(FlotdArguments.Version.class, FlotdArguments.parse(List.of("-V")));
        assertInstanceOf(FlotdArguments.Version.class, FlotdArguments.parse(List.of("--version")));
    }

    @Test
    void badUsageIsNamed() {
        assertEquals("unknown option '--etcd-endpoint'", invalid("--etcd-endpoint=x"));
        assertEquals("unknown option '--bogus'", invalid("--bogus"));
        assertEquals("option '--machine-ttl' needs a value", invalid("--machine-ttl"));
        assertEquals("unexpected argument 'start'", invalid("start"));
        assertEquals("unexpected argument '-x'", invalid("-x"));
        assertEquals("--set expects KEY=VALUE, not 'novalue'", invalid("--set", "novalue"));
        assertEquals("--set expects KEY=VALUE, not '=v'", invalid("--set==v"));
    }

    @Test
    void usageListsEveryOptionAndTheSignals() {
        String usage = FlotdArguments.usage();
        for (String o : List.of("--config=FILE", "--set=KEY=VALUE", "--etcd-endpoints=URLS", "--api-tls-client-ca=FILE",
                "--systemd=on|off", "--help", "--version", "SIGHUP", "Exit codes")) {
            assertTrue(usage.contains(o), o + " in\n" + usage);
        }
    }
}
