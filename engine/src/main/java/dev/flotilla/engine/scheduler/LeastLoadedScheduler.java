package dev.flotilla.engine.scheduler;

/** Stateless: every call builds its own {@link Pass}, so one instance serves everyone. */
final class LeastLoadedScheduler implements Scheduler {

    static final LeastLoadedScheduler INSTANCE = new LeastLoadedScheduler();

    private LeastLoadedScheduler() {
    }

    @Override
    public Decisions schedule(ClusterSnapshot snapshot) {
        return new Pass(snapshot).run();
    }
}
