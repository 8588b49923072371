package dev.flotilla.bench;

import dev.flotilla.registry.EtcdProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one etcd alone sustains here: {@code etcdctl check perf --load=l} (60 s of one-key puts from
 * many clients) against a fresh etcd started exactly as the benchmarks start theirs, so the figures'
 * write rates can be read as a share of it.
 */
final class EtcdCeiling {
    private static final Pattern THROUGHPUT = Pattern.compile("Throughput (?:is|too low:) (\\d+) writes/s");

    private EtcdCeiling() {
    }

    /** Empty if etcdctl is not installed. */
    static OptionalDouble measure(Path workDir) throws IOException, InterruptedException {
        Path etcdctl = Path.of("/usr/bin/etcdctl");
        if (!Files.isExecutable(etcdctl)) {
            return OptionalDouble.empty();
        }
        try (EtcdProcess etcd = EtcdProcess.startOnFreePorts(workDir.resolve("etcd-perf"), Duration.ofSeconds(30))) {
            ProcessBuilder pb = new ProcessBuilder(etcdctl.toString(), "--endpoints=" + etcd.clientUrl(),
                    // the clean-up after the run deletes every key it wrote, which takes longer than the default 5 s
                    "--command-timeout=120s", "check", "perf", "--load=l")
                    .redirectErrorStream(true);
            pb.environment().put("ETCDCTL_API", "3");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("etcdctl check perf did not end within 3 minutes");
            }
            return parse(out);
        }
    }

    static OptionalDouble parse(String etcdctlOutput) {
        Matcher m = THROUGHPUT.matcher(etcdctlOutput);
        if (!m.find()) {
            throw new IllegalStateException("etcdctl check perf printed no throughput:\n" + etcdctlOutput);
        }
        return OptionalDouble.of(Double.parseDouble(m.group(1)));
    }
}
