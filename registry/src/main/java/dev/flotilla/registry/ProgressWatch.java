package dev.flotilla.registry;

/**
 * A watch that can be asked how far it has caught up, for a mirror that answers reads: once it
 * has heard up to the store's revision at the moment a read began, it answers what a read of the
 * store would have.
 */
public interface ProgressWatch extends Subscription {
    /**
     * Asks the store for the revision up to which this watch has been sent every change; it arrives
     * on the watch's lane, after those changes. No answer comes while the watch is cut off or not yet
     * listening, so the asker bounds its wait.
     */
    void requestProgress();
}
