package dev.dbre.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A UDP listener on 127.0.0.1 that keeps every datagram it receives: a DogStatsD server stand-in. */
final class DatagramCapture implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<byte[]> datagrams = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile long lastArrivalNanos = System.nanoTime();

    DatagramCapture() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setReceiveBufferSize(4 << 20);
        reader = Thread.ofPlatform().daemon().name("datagram-capture").start(this::read);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void read() {
        byte[] buf = new byte[65_536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            byte[] copy = new byte[p.getLength()];
            System.arraycopy(p.getData(), p.getOffset(), copy, 0, p.getLength());
            datagrams.add(copy);
            lastArrivalNanos = System.nanoTime();
        }
    }

    /** Waits until some datagram holds {@code text}; false after {@code timeout}. */
    boolean awaitText(String text, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            for (byte[] d : datagrams) {
                if (new String(d, StandardCharsets.UTF_8).contains(text)) {
                    return true;
                }
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits until nothing has arrived for {@code quiet} (clients flush in the background). */
    void awaitQuiet(Duration quiet) throws InterruptedException {
        while (System.nanoTime() - lastArrivalNanos < quiet.toNanos()) {
            Thread.sleep(20);
        }
    }

    /** Every datagram so far, one after another; a datagram not ending in '\n' gets one. */
    byte[] payload() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] d : datagrams) {
            out.writeBytes(d);
            if (d.length > 0 && d[d.length - 1] != '\n') {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        socket.close();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
