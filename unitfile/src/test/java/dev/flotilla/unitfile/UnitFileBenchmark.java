package dev.flotilla.unitfile;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing speed of a typical 30-line unit with an [X-Fleet] section, from bytes (UTF-8 check
 * included) to the extracted requirements. Single-threaded, so the score is units/s per core.
 * Run: {@code mvn -q -pl unitfile test-compile exec:exec@unitfile-jmh} (see README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UnitFileBenchmark {

    static final String TYPICAL = """
            [Unit]
            Description=Web frontend %i
            After=docker.service network-online.target
            Requires=docker.service
            Wants=network-online.target

            [Service]
            Type=simple
            TimeoutStartSec=0
            Restart=always
            RestartSec=5
            Environment=IMAGE=registry.example.com/web:1.4.2
            Environment="JAVA_OPTS=-Xmx512m -Xms512m"
            ExecStartPre=-/usr/bin/docker kill web-%i
            ExecStartPre=-/usr/bin/docker rm web-%i
            ExecStartPre=/usr/bin/docker pull ${IMAGE}
            ExecStart=/usr/bin/docker run --rm --name web-%i \\
                -p 8080:8080 -e JAVA_OPTS ${IMAGE}
            ExecStop=/usr/bin/docker stop web-%i
            # keep the output in the journal
            StandardOutput=journal

            [Install]
            WantedBy=multi-user.target

            [X-Fleet]
            MachineMetadata="region=eu-west" "disk=ssd"
            MachineMetadata=region=eu-central
            Conflicts=web@*.service
            """;

    final byte[] bytes = TYPICAL.getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public void parseWithFleet(Blackhole bh) {
        UnitFile u = UnitFile.parse("web@1.service", bytes);
        bh.consume(u.fleet());
        bh.consume(u.options());
    }

    @Benchmark
    public void parseWithFleetAndHash(Blackhole bh) {
        UnitFile u = UnitFile.parse("web@1.service", bytes);
        bh.consume(u.fleet());
        bh.consume(u.hash());
    }
}
