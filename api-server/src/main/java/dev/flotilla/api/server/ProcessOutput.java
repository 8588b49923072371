package dev.flotilla.api.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A command's output read on a thread of its own, so the request thread can wait for it with a
 * time limit (and probe a quiet client meanwhile) instead of blocking in a read of the pipe.
 * Closing it kills the process.
 */
final class ProcessOutput implements AutoCloseable {
    /** The end of the output. */
    static final byte[] END = new byte[0];
    /** Chunks read ahead of a slow client; beyond, the command waits on its pipe. */
    private static final int READ_AHEAD = 16;

    private final Process process;
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(READ_AHEAD);
    private final Thread reader;

    ProcessOutput(Process process, String name) {
        this.process = process;
        this.reader = new Thread(this::pump, "flotilla-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        try (InputStream in = process.getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (n > 0) {
                    chunks.put(Arrays.copyOf(buf, n));
                }
            }
        } catch (IOException e) {
            // the process was stopped: its output ends here
        } catch (InterruptedException e) {
            return; // closed: nobody reads any more
        }
        try {
            chunks.put(END);
        } catch (InterruptedException e) {
            // closed meanwhile
        }
    }

    /** The next chunk of output, {@link #END} after the last, or null if none came within {@code waitNanos}. */
    byte[] next(long waitNanos) throws InterruptedException {
        return chunks.poll(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
    }

    Process process() {
        return process;
    }

    /** Kills the process (SIGKILL: a command past its time limit may ignore less) and stops reading. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        reader.interrupt();
    }
}
