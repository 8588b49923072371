package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Oracles for {@link LoadIndex}: the ranking rules as plain scans over every machine, no index. */
final class ScanRankings {

    private ScanRankings() {
    }

    /** fleet's rule, as the scheduler had it before demands: the first machine that passes by (load, id). */
    static Ranking byCount() {
        return new Scan() {
            @Override
            boolean before(Job job, Node a, Node b) {
                return a.load != b.load ? a.load < b.load : a.id.compareTo(b.id) < 0;
            }
        };
    }

    /** The rule with demands: least (dominant share after placing, load, id), share as exact fractions. */
    static Ranking byShare() {
        return new Scan() {
            @Override
            boolean before(Job job, Node a, Node b) {
                long[] sa = dominant(job, a);
                long[] sb = dominant(job, b);
                int c = Share.compare(sa[0], sa[1], sb[0], sb[1]);
                if (c != 0) {
                    return c < 0;
                }
                return a.load != b.load ? a.load < b.load : a.id.compareTo(b.id) < 0;
            }
        };
    }

    private static long[] dominant(Job job, Node n) {
        long cpu = n.cpuUsed + job.cpuNeed();
        long memory = n.memoryUsed + job.memoryNeed(n.capacity.memoryBytes());
        return Share.compare(cpu, n.capacity.cpuMillis(), memory, n.capacity.memoryBytes()) >= 0
                ? new long[] {cpu, n.capacity.cpuMillis()}
                : new long[] {memory, n.capacity.memoryBytes()};
    }

    private abstract static class Scan implements Ranking {
        private final List<Node> nodes = new ArrayList<>();

        abstract boolean before(Job job, Node a, Node b);

        @Override
        public void add(Node node) {
            nodes.add(node);
        }

        @Override
        public void remove(Node node) {
            nodes.remove(node);
        }

        @Override
        public void adjust(Node node, Job job, int sign) {
            node.change(job, sign);
        }

        @Override
        public void indexSharedRules(List<Job> byName) {
        }

        @Override
        public void indexRule(MetadataRule rule) {
        }

        @Override
        public Node best(Job job, Predicate<Node> passes) {
            Node best = null;
            for (Node n : nodes) {
                if (passes.test(n) && (best == null || before(job, n, best))) {
                    best = n;
                }
            }
            return best;
        }
    }
}
