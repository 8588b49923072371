package dev.flotilla.registry;

/** The default {@link Lanes}: one daemon thread per lane, named as the lane. */
final class DedicatedLanes implements Lanes {
    static final DedicatedLanes INSTANCE = new DedicatedLanes();

    private DedicatedLanes() {
    }

    @Override
    public SerialLoop lane(String name) {
        return new SerialLoop(name);
    }

    @Override
    public void close() {
        // each lane's thread ends with its lane
    }

    @Override
    public String toString() {
        return "dedicated";
    }
}
