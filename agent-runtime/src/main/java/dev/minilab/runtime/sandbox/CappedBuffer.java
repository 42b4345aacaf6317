package dev.minilab.runtime.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a process stream in bounded memory: the first and the last {@code limit/2} bytes are kept, the middle is
 * counted and replaced by "[... N bytes cut ...]". Thread-safe (one writer, any reader).
 */
public final class CappedBuffer {

    private final int headLimit;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final byte[] tail;
    private int tailStart;
    private int tailSize;
    private long total;

    public CappedBuffer(int limitBytes) {
        this.headLimit = limitBytes / 2;
        this.tail = new byte[limitBytes - headLimit];
    }

    public synchronized void write(byte[] data, int offset, int length) {
        total += length;
        int toHead = Math.min(length, headLimit - head.size());
        if (toHead > 0) {
            head.write(data, offset, toHead);
        }
        for (int i = offset + Math.max(toHead, 0); i < offset + length; i++) {
            if (tail.length == 0) {
                break;
            }
            int pos = (tailStart + tailSize) % tail.length;
            tail[pos] = data[i];
            if (tailSize < tail.length) {
                tailSize++;
            } else {
                tailStart = (tailStart + 1) % tail.length;
            }
        }
    }

    public synchronized long totalBytes() {
        return total;
    }

    @Override
    public synchronized String toString() {
        byte[] tailBytes = new byte[tailSize];
        for (int i = 0; i < tailSize; i++) {
            tailBytes[i] = tail[(tailStart + i) % tail.length];
        }
        String headText = head.toString(StandardCharsets.UTF_8);
        long cut = total - head.size() - tailSize;
        String tailText = new String(tailBytes, StandardCharsets.UTF_8);
        if (cut <= 0) {
            return headText + tailText;
        }
        return headText + "\n[... " + cut + " bytes cut ...]\n" + tailText;
    }

    /**
     * Starts a virtual thread that copies {@code stream} into this buffer until it ends, then closes it. When the
     * stream breaks (the process was killed, the channel closed) what was read so far is kept.
     */
    public Thread fillFrom(InputStream stream) {
        return Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[8192];
            try (stream) {
                int n;
                while ((n = stream.read(chunk)) >= 0) {
                    write(chunk, 0, n);
                }
            } catch (IOException e) {
                // end of the stream by force: the output so far is kept
            }
        });
    }
}
