package dev.flotilla.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmarks at CI size, so they keep working; their numbers are printed, not judged. The etcd
 * ceiling (a 60 s etcdctl run) is left out; its parsing is checked on etcdctl's own output. The sweep
 * runs the engine and agents parts at two tiny sizes (its loop and growth table), one run the
 * leases, flotd and status parts (the last two start a flotd and a dozen flotctl JVMs each): together
 * under a minute.
 */
@Tag("etcd")
class BenchSmokeTest {
    private static final Duration TTL = Duration.ofSeconds(2);

    @Test
    void theSweepRunsAtTinySizesAndItsGrowthTableHasEveryRowAtEachSize() throws Exception {
        // Idle windows of a TTL: each holds every lease's renewals (one per TTL/3) whatever their phase.
        List<EngineBench.Sizes> sizes = List.of(new EngineBench.Sizes(10, 100, TTL, TTL),
                new EngineBench.Sizes(20, 200, TTL, TTL));
        List<GrowthTable.SizeRun> runs = BenchMain.sweep(sizes, Set.of("engine", "agents"), FlotdBench.Jvm.packaged(), System.out);
        GrowthTable table = new GrowthTable(runs);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        table.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.out.print(printed.toString(StandardCharsets.UTF_8));

        assertEquals(2, runs.size());
        runs.forEach(r -> assertEquals(List.of(), r.report().failures(), r.label()));
        List<List<String>> rows = table.rows();
        for (String row : List.of("submit+start until all active: wall", "key writes per unit: new unit, started",
                "idle: key writes per minute", "idle: lease keep-alive requests per second (machine TTL 2 s)", "idle: etcd CPU",
                "dead machine: its units active elsewhere after expiry", "engine pass: incremental", "etcd database size",
                "watch events one agent receives per 1,000 units placed elsewhere", "engine only: submit+assign")) {
            List<String> cells = rows.stream().filter(r -> r.get(0).equals(row)).findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + row + " in " + printed));
            // figure, unit, then value and /1k per size: a value at each size
            assertFalse(cells.get(2).equals("-") || cells.get(4).equals("-"), row + ": " + cells);
        }
        for (GrowthTable.SizeRun r : runs) {
            // Each unit is written at least as submitted, assigned and reported active ...
            assertTrue(value(r.report(), "etcd key writes per unit: start of a new unit") >= 3, r.report().figures()::toString);
            // ... and once more when it is submitted and started in two calls.
            assertTrue(value(r.report(), "etcd key writes per unit: submit, then start") >= 4, r.report().figures()::toString);
            assertTrue(value(r.report(), "idle: lease keep-alive requests") > 0, "etcd received the machines' renewals");
            assertTrue(value(r.report(), "etcd database size") > 0);
        }
    }

    @Test
    void theLeasesFlotdAndStatusPartsRunAtSmallSizeAndReportEveryFigure() throws Exception {
        // flotd's default TTL: at 20 machines the rule's TTL is the same, so the leases part measures once
        Report report = BenchMain.run(new EngineBench.Sizes(20, 200, Duration.ofSeconds(1), EngineBench.Sizes.DEFAULT_TTL),
                Set.of("leases", "flotd", "status"), FlotdBench.Jvm.packaged());
        report.print(System.out);
        List<String> names = report.figures().stream().map(Figure::name).toList();
        assertEquals(3 + 5 + 7, names.size(), names::toString);
        assertTrue(value(report, "flotctl list-units, the daemon's first") > 0, report.figures()::toString);
        assertTrue(value(report, "fleet API: every page of GET /fleet/v1/state") > 0, report.figures()::toString);
        assertTrue(value(report, "flotd RSS") > 0, report.figures()::toString);
        assertTrue(value(report, "leases only, 20 machines on a 5 s TTL: keep-alive requests") > 0, report.figures()::toString);
    }

    @Test
    void theRulesMachineTtlKeepsTheClustersKeepAlivesWithinTheBudget() {
        assertEquals(Duration.ofSeconds(5), LeaseBench.ruleTtl(1000));
        assertEquals(Duration.ofSeconds(5), LeaseBench.ruleTtl(1666));
        assertEquals(Duration.ofSeconds(6), LeaseBench.ruleTtl(2000));
        assertEquals(Duration.ofSeconds(15), LeaseBench.ruleTtl(5000));
        assertEquals(Duration.ofSeconds(30), LeaseBench.ruleTtl(10_000));
    }

    @Test
    void theEtcdCeilingIsReadFromEtcdctlsVerdict() {
        assertEquals(3412, EtcdCeiling.parse("60 / 60 100.00% 1m0s\nPASS: Throughput is 3412 writes/s\nPASS: Slowest request took 0.31s\n")
                .getAsDouble());
        assertEquals(913, EtcdCeiling.parse("FAIL: Throughput too low: 913 writes/s\n").getAsDouble());
    }

    @Test
    void etcdsMetricsAreReadByNameAndFirstLabel() {
        EtcdMetrics.Counters c = EtcdMetrics.parse("""
                # HELP etcd_mvcc_put_total Total number of puts seen by this member.
                etcd_mvcc_put_total 12
                etcd_mvcc_delete_total 3
                etcd_mvcc_db_total_size_in_bytes 2.4576e+06
                etcd_mvcc_db_total_size_in_use_in_bytes 16384
                grpc_server_msg_received_total{grpc_method="LeaseGrant",grpc_service="etcdserverpb.Lease",grpc_type="unary"} 7
                grpc_server_msg_received_total{grpc_method="LeaseKeepAlive",grpc_service="etcdserverpb.Lease",grpc_type="bidi_stream"} 900
                etcd_debugging_lease_renewed_total 450
                process_cpu_seconds_total 1.25
                """);
        assertEquals(15, c.keyWrites());
        assertEquals(2_457_600, c.dbBytes());
        assertEquals(900, c.keepAlives());
        assertEquals(450, c.renewals());
        assertEquals(1.25, c.cpuSeconds());
    }

    private static double value(Report report, String prefix) {
        return report.figures().stream().filter(f -> f.name().startsWith(prefix)).findFirst().orElseThrow().value();
    }
}
