/**
 * The scheduler: a pure function from a {@link dev.flotilla.engine.scheduler.ClusterSnapshot} (live
 * machines, units, current assignments) to {@link dev.flotilla.engine.scheduler.Decisions} (Unassign
 * and Assign decisions, plus a reason for every unit left waiting). No I/O, no clock, no threads; the
 * engine reads etcd, calls {@link dev.flotilla.engine.scheduler.Scheduler#leastLoaded()}, and writes
 * the decisions. Its inputs are its own records (only glob patterns come compiled from the unit-file
 * module), so it does not depend on the registry: the engine adapts the parsed [X-Fleet] section into
 * {@link dev.flotilla.engine.scheduler.Constraints}.
 *
 * <h2>The pass</h2>
 * <ol>
 *   <li><b>Keep.</b> Units are visited peers before followers, then units with Replaces= first, then
 *       by name. A unit whose machine is live and still satisfies it (MachineID, MachineMetadata,
 *       MachineOf, not replaced by, not conflicting with, a unit kept before it) stays, with no
 *       decision. So a machine joining changes nothing, and an uneven cluster is never rebalanced.</li>
 *   <li><b>Place.</b> Everything else, in the same order: a MachineID or MachineOf unit goes straight
 *       to its one machine, if that machine passes the filters; any other unit goes to the least
 *       loaded machine that passes them all.</li>
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
 *   <li>{@code LoadIndex} (ranking: machines by (load, id), per shared MachineMetadata rule too) and
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
 *       inactive) global unit whose metadata matches the machine. Least loaded first, ties broken by
 *       machine id as text. Machines sit in a tree keyed by (load, id): a placement costs
 *       O(log machines) plus the filters of the machines it passes over, never a sort.
 *       A MachineMetadata rule shared by several units gets its own tree holding only the
 *       machines it matches (up to 64 rules a pass). Then a constrained unit doesn't walk past every
 *       lighter machine it can't use. The machine chosen is the same as a scan would choose.</li>
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
 *       ({@code PEER_MOVED}). Peers on a cycle wait.</li>
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
 *       that was itself placed in this pass: it waits instead. That bounds the moves of a pass.</li>
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
