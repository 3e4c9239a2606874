package dev.sluice.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on loopback that can cut the line: the way a test takes a dependency "down" without stopping the
 * machine's server. Cut: every open connection is closed and new ones are closed as soon as they are accepted.
 * Black hole: connections stay open, old and new, but nothing crosses them any more, in either direction (a firewall
 * that drops packets, a server that froze): only a client's own timeouts notice.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tcp-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean cut;
    private volatile boolean blackHole;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the proxy port", e);
        }
    }

    /**
     * A proxy in front of the tests' PostgreSQL (SLUICE_TEST_DB_URL, else the machine's {@code sluice_test}; the
     * embedded one where neither can be used, as for the application context).
     */
    public static TcpProxy toTestDatabase() {
        URI database = testDatabase();
        return to(database.getHost(), database.getPort() < 0 ? 5432 : database.getPort());
    }

    /** The tests' database URL, through this proxy. */
    public String testDatabaseUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + testDatabase().getPath();
    }

    private static URI testDatabase() {
        String configured = System.getenv().getOrDefault("SLUICE_TEST_DB_URL",
                "jdbc:postgresql://127.0.0.1:5432/sluice_test");
        String usable = TestDatabaseFallback.usableOrEmbedded(configured,
                System.getenv().getOrDefault("SLUICE_TEST_DB_USER", "postgres"),
                System.getenv().getOrDefault("SLUICE_TEST_DB_PASSWORD", ""));
        return URI.create(usable.substring("jdbc:".length()));
    }

    public int port() {
        return server.getLocalPort();
    }

    public void cut() {
        cut = true;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /** Everything sent from now on is swallowed; connections stay open and answer nothing. */
    public void blackHole() {
        blackHole = true;
    }

    /** The line works again. Connections that lived through a black hole lost bytes, so they are closed. */
    public void restore() {
        if (blackHole) {
            blackHole = false;
            sockets.forEach(TcpProxy::closeQuietly);
            sockets.clear();
        }
        cut = false;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                if (blackHole) {
                    sockets.add(client);
                    threads.execute(() -> swallow(client));
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                threads.execute(() -> pump(client, upstream));
                threads.execute(() -> pump(upstream, client));
            } catch (IOException e) {
                // closed while accepting, or the target refused: the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read; (read = in.read(buffer)) != -1; ) {
                if (!blackHole) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void swallow(Socket client) {
        byte[] buffer = new byte[4096];
        try (InputStream in = client.getInputStream()) {
            while (in.read(buffer) != -1) {
                // dropped
            }
        } catch (IOException e) {
            // closed by restore() or by the client
        } finally {
            sockets.remove(client);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
        threads.shutdownNow();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
