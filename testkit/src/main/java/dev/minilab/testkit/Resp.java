package dev.minilab.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal RESP2 client over a raw socket: enough to ping, authenticate and run simple commands in tests without
 * pulling a Redis client library into the testkit.
 */
final class Resp {

    private Resp() {
    }

    /** A {@code -ERR ...} reply from the server. */
    static final class ErrorReply extends RuntimeException {
        ErrorReply(String message) {
            super(message);
        }
    }

    /**
     * Opens a connection, authenticates when {@code password} is not null, sends each command and returns the reply
     * of the last one.
     *
     * @return String (simple or bulk string), Long (integer), List (array) or null (nil)
     * @throws ErrorReply if the server answers an error to any command
     */
    static Object call(String host, int port, String password, Duration timeout, List<List<String>> commands)
            throws IOException {
        try (Socket socket = new Socket()) {
            int millis = (int) Math.max(1, timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<List<String>> all = new ArrayList<>();
            if (password != null) {
                all.add(List.of("AUTH", password));
            }
            all.addAll(commands);
            Object reply = null;
            for (List<String> command : all) {
                out.write(encode(command));
                out.flush();
                reply = read(in);
            }
            return reply;
        }
    }

    static byte[] encode(List<String> command) {
        StringBuilder sb = new StringBuilder();
        sb.append('*').append(command.size()).append("\r\n");
        for (String arg : command) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("Redis closed the connection");
        }
        String line = readLine(in);
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new ErrorReply(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] data = in.readNBytes(length + 2);
                if (data.length < length + 2) {
                    throw new EOFException("Redis closed the connection inside a bulk string");
                }
                yield new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                yield items;
            }
            default -> throw new IOException("Not a RESP reply, first byte " + type);
        };
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Redis closed the connection inside a reply line");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = buffer.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            buffer.write(b);
            previous = b;
        }
    }
}
