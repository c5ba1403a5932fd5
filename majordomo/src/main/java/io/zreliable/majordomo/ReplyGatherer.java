package io.zreliable.majordomo;

import io.zreliable.common.Frames;
import org.zeromq.ZMsg;

/**
 * The parts of one streamed reply, gathered for an MDP/0.1 client that can take one reply only: the body frames of
 * every PARTIAL, in order, bounded by bytes and frames. Once over a bound it holds nothing and stays over.
 */
final class ReplyGatherer {
    private final long maxBytes;
    private final int maxFrames;
    private ZMsg frames = new ZMsg();
    private long bytes;

    ReplyGatherer(long maxBytes, int maxFrames) {
        this.maxBytes = maxBytes;
        this.maxFrames = maxFrames;
    }

    /** Adds a part's frames; false once the whole reply is over a bound (the frames gathered so far are freed). */
    boolean add(ZMsg part) {
        if (frames == null) {
            return false;
        }
        bytes += Frames.byteSize(part);
        if (bytes > maxBytes || frames.size() + part.size() > maxFrames) {
            frames = null;
            return false;
        }
        frames.addAll(part);
        return true;
    }

    boolean overflowed() {
        return frames == null;
    }

    /** Every frame gathered, in order (only while not overflowed). */
    ZMsg frames() {
        return frames;
    }
}
