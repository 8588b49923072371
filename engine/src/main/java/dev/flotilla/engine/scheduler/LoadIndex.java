package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The ranking: which machine that passes the filters a unit goes to, without a sort of every machine
 * per placement.
 *
 * <p>A unit goes to the machine with the least (dominant share after placing it, load, id). The share
 * after placing depends on the unit's demand, so no one order of machines fits every unit. Machines
 * are grouped by capacity instead; within a group the share of a dimension grows with what is
 * allocated there, whatever the demand. Each group keeps one ordered set per known dimension, by
 * (allocated in that dimension, load, id); a group with no known dimension keeps one, by (load, id).
 * A search keeps one cursor on every set of every group. For the machine at a cursor, (its share in
 * that dimension after placing the unit, load, id) is at most what any machine after it in that set
 * ranks as; a machine not seen yet lies behind every cursor of its group, so it ranks at least as high
 * as the largest of their bounds (the group's bound). The search advances, in the group whose bound
 * is least, the cursor whose bound is largest (which raises that bound soonest). Once the least group
 * bound ranks above the best machine found, no machine left can beat it: the search ends. Shares are compared exactly
 * ({@link Share}), so equal shares fall to load and id. With no demands and no capacities there is one
 * group with one set, by (load, id): the first machine that passes is chosen, as fleet did.
 *
 * <p>A MachineMetadata rule shared by several units also gets its own groups holding only the
 * machines it matches, so a constrained unit does not walk past every lighter machine it cannot use.
 * Every set adds O(log machines) to each change of its members, hence the cap on how many rules a pass
 * indexes. The machine chosen is the same with or without a rule's own sets, only found sooner.
 */
final class LoadIndex implements Ranking {

    static final int MAX_RULE_SETS = 64;

    private static final Comparator<Node> BY_LOAD =
            (a, b) -> a.load != b.load ? Integer.compare(a.load, b.load) : a.id.compareTo(b.id);
    private static final Comparator<Node> BY_CPU =
            (a, b) -> a.cpuUsed != b.cpuUsed ? Long.compare(a.cpuUsed, b.cpuUsed) : BY_LOAD.compare(a, b);
    private static final Comparator<Node> BY_MEMORY =
            (a, b) -> a.memoryUsed != b.memoryUsed ? Long.compare(a.memoryUsed, b.memoryUsed) : BY_LOAD.compare(a, b);

    private static final int CPU = 0;
    private static final int MEMORY = 1;
    private static final int LOAD = 2;

    /** Machines of one capacity. */
    private static final class Group {
        final Capacity capacity;
        final List<TreeSet<Node>> sets = new ArrayList<>(2);
        final int[] dims;

        Group(Capacity capacity) {
            this.capacity = capacity;
            if (capacity.isUnknown()) {
                sets.add(new TreeSet<>(BY_LOAD));
                dims = new int[] {LOAD};
            } else if (capacity.cpuMillis() == 0) {
                sets.add(new TreeSet<>(BY_MEMORY));
                dims = new int[] {MEMORY};
            } else if (capacity.memoryBytes() == 0) {
                sets.add(new TreeSet<>(BY_CPU));
                dims = new int[] {CPU};
            } else {
                sets.add(new TreeSet<>(BY_CPU));
                sets.add(new TreeSet<>(BY_MEMORY));
                dims = new int[] {CPU, MEMORY};
            }
        }

        void add(Node node) {
            for (TreeSet<Node> set : sets) {
                set.add(node);
                node.trees.add(set);
            }
        }
    }

    /** A set of machines (all, or those one rule matches), by capacity. */
    private static final class Ranked {
        final Map<Capacity, Group> byCapacity = new HashMap<>();
        final List<Group> groups = new ArrayList<>(1);

        void add(Node node) {
            Group g = byCapacity.get(node.capacity);
            if (g == null) {
                g = new Group(node.capacity);
                byCapacity.put(node.capacity, g);
                groups.add(g);
            }
            g.add(node);
        }
    }

    /** One walk over one ordered set during a search. */
    private static final class Cursor {
        final Iterator<Node> rest;
        final int dim;
        final long cpuNeed;
        final long memoryNeed;
        Node at;

        Cursor(TreeSet<Node> set, int dim, long cpuNeed, long memoryNeed) {
            this.rest = set.iterator();
            this.dim = dim;
            this.cpuNeed = cpuNeed;
            this.memoryNeed = memoryNeed;
            advance();
        }

        void advance() {
            at = rest.hasNext() ? rest.next() : null;
        }

        /** (bound share, node) against (share used/capacity, node b). */
        int compareTo(long used, long capacity, Node b) {
            int c = switch (dim) {
                case CPU -> Share.compare(at.cpuUsed + cpuNeed, at.capacity.cpuMillis(), used, capacity);
                case MEMORY -> Share.compare(at.memoryUsed + memoryNeed, at.capacity.memoryBytes(), used, capacity);
                default -> Share.compare(0, 0, used, capacity);
            };
            return c != 0 ? c : BY_LOAD.compare(at, b);
        }

        long boundUsed() {
            return switch (dim) {
                case CPU -> at.cpuUsed + cpuNeed;
                case MEMORY -> at.memoryUsed + memoryNeed;
                default -> 0;
            };
        }

        long boundCapacity() {
            return switch (dim) {
                case CPU -> at.capacity.cpuMillis();
                case MEMORY -> at.capacity.memoryBytes();
                default -> 0;
            };
        }
    }

    private final Ranked all = new Ranked();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<MetadataRule, Ranked> byRule = new HashMap<>();
    private int searches;

    @Override
    public void add(Node node) {
        nodes.add(node);
        all.add(node);
    }

    /**
     * Takes the machine out of every ordered set that holds it. A group it leaves empty stays, and is
     * passed over by every search (its cursors start at the end), so the machine chosen is the one
     * an index built without it would choose.
     */
    @Override
    public void remove(Node node) {
        nodes.remove(node);
        for (TreeSet<Node> set : node.trees) {
            set.remove(node);
        }
        node.trees.clear();
    }

    /**
     * Puts {@code job} on or takes it off the node ({@code sign} +1 or -1): its load and what it
     * reserves there change, so it leaves every ordered set first and comes back re-keyed.
     */
    @Override
    public void adjust(Node node, Job job, int sign) {
        List<TreeSet<Node>> sets = node.trees;
        for (int i = 0, n = sets.size(); i < n; i++) {
            sets.get(i).remove(node);
        }
        node.change(job, sign);
        for (int i = 0, n = sets.size(); i < n; i++) {
            sets.get(i).add(node);
        }
    }

    /** Gives {@code rule} its own sets of matching machines (call before any placement uses it). */
    @Override
    public void indexRule(MetadataRule rule) {
        if (byRule.containsKey(rule) || byRule.size() >= MAX_RULE_SETS) {
            return;
        }
        Ranked matching = new Ranked();
        for (Node node : nodes) {
            if (rule.matches(node.metadata)) {
                matching.add(node);
            }
        }
        byRule.put(rule, matching);
    }

    /** Rules used by two units or more that want a machine get their own machine sets; in name order. */
    @Override
    public void indexSharedRules(List<Job> byName) {
        Map<MetadataRule, Integer> uses = new HashMap<>();
        for (Job job : byName) {
            MetadataRule rule = job.constraints.metadata();
            if (job.wantsMachine() && rule instanceof MetadataMatch && rule != MetadataRule.ANY
                    && uses.merge(rule, 1, Integer::sum) == 2) {
                indexRule(rule);
            }
        }
    }

    /**
     * The machine that passes and ranks least for the job (its {@link Job#cpuNeed()} and
     * {@link Job#memoryNeed} added), among those its MachineMetadata rule's own sets hold, if it has
     * them; null if none passes.
     */
    @Override
    public Node best(Job job, Predicate<Node> passes) {
        MetadataRule rule = job.constraints.metadata();
        Ranked ranked = rule == MetadataRule.ANY ? null : byRule.get(rule);
        if (ranked == null) {
            ranked = all;
        }
        int stamp = ++searches;
        long cpuNeed = job.cpuNeed();
        List<Cursor[]> groups = new ArrayList<>(ranked.groups.size());
        for (Group g : ranked.groups) {
            long memoryNeed = job.memoryNeed(g.capacity.memoryBytes());
            Cursor[] cs = new Cursor[g.dims.length];
            for (int i = 0; i < cs.length; i++) {
                cs[i] = new Cursor(g.sets.get(i), g.dims[i], cpuNeed, memoryNeed);
            }
            if (cs[0].at != null) {
                groups.add(cs);
            }
        }
        Node best = null;
        long bestUsed = 0;
        long bestCapacity = 0;
        while (true) {
            // A machine of a group not seen yet ranks at least as high as every cursor of its group
            // bounds (it lies behind each of them): the group's bound is the largest. The least group
            // bound bounds every machine not seen yet.
            Cursor least = null;
            for (int i = 0, n = groups.size(); i < n; i++) {
                Cursor[] cs = groups.get(i);
                Cursor bound = null;
                for (Cursor c : cs) {
                    if (c.at == null) {
                        bound = null; // a cursor went through the whole group: every machine in it was seen
                        break;
                    }
                    if (bound == null || c.compareTo(bound.boundUsed(), bound.boundCapacity(), bound.at) > 0) {
                        bound = c;
                    }
                }
                if (bound != null && (least == null || bound.compareTo(least.boundUsed(), least.boundCapacity(), least.at) < 0)) {
                    least = bound;
                }
            }
            if (least == null || best != null && least.compareTo(bestUsed, bestCapacity, best) > 0) {
                return best;
            }
            Node node = least.at;
            least.advance();
            if (node.seen == stamp) {
                continue;
            }
            node.seen = stamp;
            if (!passes.test(node)) {
                continue;
            }
            // Dominant share after placing: the larger of the two dimensions' fractions.
            long cpuUsed = node.cpuUsed + cpuNeed;
            long memoryUsed = node.memoryUsed + least.memoryNeed;
            long used;
            long capacity;
            if (Share.compare(cpuUsed, node.capacity.cpuMillis(), memoryUsed, node.capacity.memoryBytes()) >= 0) {
                used = cpuUsed;
                capacity = node.capacity.cpuMillis();
            } else {
                used = memoryUsed;
                capacity = node.capacity.memoryBytes();
            }
            if (best == null || ranks(used, capacity, node, bestUsed, bestCapacity, best) < 0) {
                best = node;
                bestUsed = used;
                bestCapacity = capacity;
            }
        }
    }

    private static int ranks(long used1, long capacity1, Node a, long used2, long capacity2, Node b) {
        int c = Share.compare(used1, capacity1, used2, capacity2);
        return c != 0 ? c : BY_LOAD.compare(a, b);
    }
}
