/**
 * The scheduler: a pure function from a {@link dev.flotilla.engine.scheduler.ClusterSnapshot} (live
 * machines, units, current assignments) to {@link dev.flotilla.engine.scheduler.Decisions} (Unassign
 * and Assign decisions, plus a reason for every unit left waiting). No I/O, no clock, no threads; the
 * engine reads etcd, calls {@link dev.flotilla.engine.scheduler.Scheduler#leastLoaded()}, and writes
 * the decisions. Its inputs are its own records (only glob patterns and a unit's
 * {@link dev.flotilla.unitfile.Demand} come from the unit-file module), so it does not depend on the
 * registry: the engine adapts the parsed [X-Fleet] section into
 * {@link dev.flotilla.engine.scheduler.Constraints}, a machine's announced capacity into
 * {@link dev.flotilla.engine.scheduler.Capacity}. It is a pure function, so a dry run (a plan) is a
 * call like any other. {@link dev.flotilla.engine.scheduler.Decisions#machines()} says what each
 * machine holds afterwards (units, CPU, memory), for metrics and plans.
 *
 * <h2>The pass</h2>
 * <ol>
 *   <li><b>Keep.</b> Units are visited peers before followers, then units with Replaces= first, then
 *       by name. A unit whose machine is live and still satisfies it (MachineID, MachineMetadata,
 *       MachineOf, not replaced by, not conflicting with, a unit kept before it, and it still has room
 *       for it beside the units kept before it) stays, with no decision. So a machine joining changes
 *       nothing, and an uneven cluster is never rebalanced.</li>
 *   <li><b>Place.</b> Everything else, in the same order: a MachineID or MachineOf unit goes straight
 *       to its one machine, if that machine passes the filters; any other unit goes to the machine
 *       that passes them all and ranks least (see Fit and Ranking below).</li>
 *   <li><b>Diff.</b> Final machine against recorded machine: Unassign (with a
 *       {@link dev.flotilla.engine.scheduler.Decision.Reason}) and/or Assign. All Unassigns come
 *       first, then all Assigns, each group by unit name, so carrying them out in order never puts
 *       two units that the pass keeps apart on one machine, not even for a moment.</li>
 * </ol>
 *
 * <h2>Where each step lives</h2>
 * <ul>
 *   <li>{@code Scheduler}, {@code LeastLoadedScheduler}: the entry point; one {@code Pass} per call.</li>
 *   <li>{@code IncrementalScheduler}: keeps a committed pass and grows it by units that only arrive
 *       ({@code Pass#add}), deciding what a pass from scratch would.</li>
 *   <li>{@code Pass}: one pass: builds the working state, prepares it, runs keep and place, and diffs.</li>
 *   <li>{@code Job}, {@code Node}: a unit and a live machine during one pass.</li>
 *   <li>{@code PeerGraph}: MachineOf links (peers, followers) and depths; cycles.</li>
 *   <li>{@code MachineIds}: MachineID= resolved to its one machine, or why not.</li>
 *   <li>{@code MutualReplaces}: which of two units that replace each other is scheduled.</li>
 *   <li>{@code Filter} (feasibility: one unit against one machine, first veto wins) and {@code Veto}
 *       (why not, in words, and the Unassign reason).</li>
 *   <li>{@code Ranking}, {@code LoadIndex} (the least (share after placing, load, id) among the machines
 *       that pass, per shared MachineMetadata rule too), {@code Share} (shares compared exactly),
 *       {@code Capacity}, {@code MachineLoad(s)}, {@code Amounts} (figures in words) and
 *       {@code PatternIndex} (each machine's residents per Conflicts= pattern, so a check costs no walk
 *       over residents).</li>
 *   <li>{@code Placement}: keep, then place, with evictions for Replaces= and followers.</li>
 *   <li>{@code WaitReasons}: why a unit waits: its peers, or the units in its way on every machine.</li>
 *   <li>{@code Decisions}, {@code Decision}: the result of the diff.</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Who gets a machine:</b> non-global units whose desired state is loaded or launched. An
 *       assigned unit that is inactive, global, or no longer exists is unassigned.</li>
 *   <li><b>Load</b> = assigned non-global units that want a machine, plus every active (not
 *       inactive) global unit whose metadata matches the machine.</li>
 *   <li><b>Fit</b> (a filter, after all the others, staying and placing alike): in each dimension
 *       the machine announces (CPU, memory), what it has free covers what the unit reserves. A
 *       percentage of memory is of that machine's capacity ({@code Demand#memoryOn}). A dimension of
 *       capacity 0 is unknown: room for anything, share 0. A unit with no demand needs nothing, so it
 *       fits anywhere that is not overfilled. A unit that no longer fits where it is (its machine
 *       announces less, or global units reserve more) leaves with {@code NO_ROOM}. Only a launched
 *       unit reserves its demand: a loaded (stopped) one keeps its machine, as in fleet, but not its
 *       room, so a waiting unit may take it; started again, it must fit there or it moves.</li>
 *   <li><b>Global units</b> reserve their demand on every machine they run on (their metadata
 *       matches) before anything else is kept or placed there. They are never refused (their agents run
 *       them), but a machine they overfill has less than nothing free and takes no other unit, not
 *       even one without demand.</li>
 *   <li><b>Ranking:</b> among the machines that pass, the least (dominant share after placing the
 *       unit, load, machine id as text). The dominant share is the larger of cpu-allocated/capacity
 *       and memory-allocated/capacity, global units included; shares are compared as exact fractions.
 *       With no demands and no capacities every share is 0, so this is fleet's rule: least loaded,
 *       ties by id (a property test holds it against a plain count-based scan). How it stays
 *       O(log machines): machines are grouped by capacity; in a group, each known dimension's share
 *       grows with what is allocated there whatever the unit, so each group keeps one tree per known
 *       dimension keyed by (allocated, load, id) (a group with no known dimension: one tree by
 *       (load, id)). A search keeps a cursor on each tree. A cursor's bound is (its machine's share in
 *       that dimension after placing the unit, load, id): no machine after it in that tree ranks
 *       lower. A machine not yet looked at lies behind every cursor of its group, so it ranks at least
 *       as high as the largest of them (the group's bound). The search advances, in the group of least
 *       bound, the cursor of largest bound, and stops once the least group bound ranks above the best
 *       machine found. So a placement costs O(log machines) per tree plus the machines it looks at,
 *       which are few: those that could still win (about 15 of 1,000 in the benchmark with demands). The cost grows with the number of distinct capacities
 *       (every group is looked into): a cluster whose machines all announce different figures
 *       degrades to a scan. A MachineMetadata rule shared by several units gets its own trees holding
 *       only the machines it matches (up to 64 rules a pass), so a constrained unit does not walk past
 *       every lighter machine it cannot use. The machine chosen is the same as a scan of every machine
 *       would choose (a property test holds it against one).</li>
 *   <li><b>Vanished machine:</b> its units get {@code Unassign(MACHINE_GONE)} and, in the same pass,
 *       an {@code Assign} to a new machine (or they wait). The Unassign is explicit rather than
 *       implied by the Assign, because an assignment is recorded per machine and the old record must
 *       go.</li>
 *   <li><b>MachineID:</b> the full id, or a prefix of at least 8 characters (fleet accepted the
 *       8-character short id) that names exactly one live machine. A prefix that matches several
 *       machines places nothing and waits with a reason. A unit already on a machine that its prefix
 *       matches stays there, even when a newcomer makes the prefix ambiguous.</li>
 *   <li><b>MachineMetadata:</b> {@code =} with the same key ORed, different keys ANDed, and a
 *       machine lacking the key fails. {@code !=} excludes those values, and a machine lacking the
 *       key passes. Any other {@link dev.flotilla.engine.scheduler.MetadataRule} may be supplied.</li>
 *   <li><b>MachineOf:</b> on the machine of every peer (a global peer: any machine where it runs).
 *       A follower waits if a peer is unknown, inactive, unplaced or on another machine than the
 *       other peers. When a peer moves, its followers move with it in the same pass
 *       ({@code PEER_MOVED}). Peers on a cycle wait. With demands: when a peer is placed (not kept), it
 *       carries its followers that take part and have no machine yet (and theirs): it goes only where
 *       it and they fit together, and ranks with their demand added. If no machine has room for all
 *       of them, the peer waits ("needs 3 GiB memory with its MachineOf follower f.service; ...") and
 *       so its followers wait for it: <i>both wait</i>. A peer that is kept stays whatever its
 *       followers need (a running unit is not pushed off for a newcomer); a follower that does not
 *       fit beside it waits, and only the follower. Nothing is held for a carried follower: a unit
 *       placed between the peer and it (same depth, earlier name) may take the room, and then the
 *       follower waits.</li>
 *   <li><b>Conflicts:</b> glob patterns ({@code * ? [..] [!..] \}); symmetric, as in fleet. A
 *       malformed pattern matches nothing. A conflicting <i>global</i> unit repels newcomers only.
 *       A unit already on the machine stays, and the global yields there, as in fleet.</li>
 *   <li><b>Replaces:</b> fleet (engine/reconciler.go, agent/state.go) placed the replacing unit by
 *       least load like any unit: Replaces neither drew it to nor kept it from the replaced unit's
 *       machine. On the next reconcile, if that machine held a replaced unit, fleet moved that unit
 *       to the least loaded <i>other</i> machine without checking the unit's own constraints, and it
 *       ignored pairs that replace each other. Here the replacing unit is placed the same way. Every
 *       unit it replaces on its machine is moved in the same pass, under its own constraints and
 *       with its followers ({@code REPLACED}), or waits. A replaced unit is never placed beside its
 *       replacer. Among units at the same MachineOf depth, replacers are placed first, so a new
 *       replacer wins a contested machine whatever the names. A replacer may not push off a unit
 *       that was itself placed in this pass: it waits instead. That bounds the moves of a pass. With
 *       demands, what the units it replaces on a machine reserve counts as free there for the
 *       replacer's fit (not for its rank, which counts them as still there); the replaced units then
 *       move under their own fit, or wait.</li>
 *   <li><b>Vanished machine with demands:</b> its units are placed again by fit, in the pass order;
 *       what fits nowhere waits.</li>
 *   <li><b>Wait reasons with figures:</b> a unit that fits nowhere for room says what it needs and
 *       the most any candidate has free, on which machine (the first by id among equals; 8
 *       characters of its id): {@code needs 4 GiB memory; the most free is 2.5 GiB (on 1b2c3d4e...)};
 *       beside other reasons, each with its count of machines. Sizes in binary units, needs rounded
 *       up, free amounts down, at most two decimals; CPU in CPUs.</li>
 *   <li><b>Mutual Replaces</b> (A replaces B and B replaces A): exactly one is scheduled and the
 *       other waits. The winner is the one already on a live machine, else the smaller name.</li>
 *   <li><b>Avoided machines</b> ({@link dev.flotilla.engine.scheduler.Constraints#avoid}): a unit is
 *       never kept on or placed on one; a unit on one is moved ({@code FAILED}) or, if no other machine
 *       fits, waits. The engine fills it from RescheduleOnFailure= records (the machines a unit
 *       failed on, once its move is due).</li>
 *   <li><b>Determinism:</b> every order that shows in the result comes from names and machine ids,
 *       never from input order or hashing. The same snapshot, in any order, gives equal Decisions.</li>
 * </ul>
 */
package dev.flotilla.engine.scheduler;
