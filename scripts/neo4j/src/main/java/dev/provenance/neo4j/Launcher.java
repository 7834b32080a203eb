package dev.provenance.neo4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Dev/CI stand-in for a Neo4j server: an embedded 5.26 Community DBMS that
 * speaks Bolt, so the service and its tests talk to it exactly as they would
 * to a real server. Started and stopped by scripts/neo4j.sh.
 */
public final class Launcher {

    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable t) {
            // Neo4j may have started non-daemon threads before failing (say, the
            // port is taken); exit explicitly so the script sees the failure.
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        Path home = Path.of(env("NEO4J_HOME_DIR", ".data/neo4j")).toAbsolutePath();
        int port = Integer.parseInt(env("NEO4J_BOLT_PORT", "7687"));
        long pageCache = ByteUnit.parse(env("NEO4J_PAGECACHE", "256m"));

        // A marker left over from a crashed run must not make the script think
        // this run is already up.
        Path ready = home.resolve("ready");
        Files.createDirectories(home);
        Files.deleteIfExists(ready);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                // Loopback only: auth is off, so nothing else may reach it.
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Nothing uses HTTP, and a second open port only invites clashes.
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Routing is on by default and opens :7688 on all interfaces; a
                // second instance on another Bolt port would collide on it.
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                // Unset, the page cache sizes itself to about half the machine's RAM.
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                // Keep CI disks small: no 250 MB preallocated log files, small
                // log segments, and only the last couple of them kept.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                // Machines here are offline; do not try to phone home.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bolt otherwise waits 5 s twice for its Netty event loops after the
                // databases have already stopped and checkpointed, so every
                // `neo4j.sh stop` took over 10 s. Cutting it short only costs two
                // "exceeded maximum permitted duration" WARN lines in debug.log.
                // These are internal settings; drop them if a 5.26.x renames them.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Remove the marker first so nobody connects to a closing database;
            // then shut down so the store is clean and the next start skips recovery.
            try {
                Files.deleteIfExists(ready);
            } catch (IOException ignored) {
                // Best effort: the next start removes it anyway.
            }
            dbms.shutdown();
        }, "neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        // build() returns once the DBMS is up, but the default database may
        // still be recovering or creating its store.
        while (!db.isAvailable(Duration.ofSeconds(5).toMillis())) {
            System.out.println("neo4j waiting for database " + db.databaseName());
        }

        Files.writeString(ready, "bolt://" + HOST + ":" + port + "\n");
        System.out.println("neo4j ready bolt://" + HOST + ":" + port);
        System.out.flush();

        // Park here until SIGTERM/SIGINT; the JVM then runs the hook and exits.
        new CountDownLatch(1).await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
