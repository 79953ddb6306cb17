package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filesystems of the server's data directory ({@code @@datadir}) and binary log ({@code @@log_bin_basename}),
 * when the server runs on this machine: {@code mysql_filesystem_used_ratio{dir}} (the series the {@code mysql_disk_full}
 * forecast extrapolates), {@code mysql_filesystem_free_bytes{dir}} and {@code mysql_filesystem_size_bytes{dir}}, with
 * {@code dir} = {@code data} or {@code binlog}. Unavailable for a server on another machine ({@code @@hostname}
 * differs from this host's name, or the directory does not exist here).
 */
@ApplicationScoped
public class FilesystemFamily implements MySqlFamily {

    static final String DIRECTORIES = "SELECT @@hostname AS host, @@datadir AS datadir, "
            + "IF(@@log_bin = 1, @@log_bin_basename, NULL) AS binlog";

    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(60);
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query(DIRECTORIES).execute().map(rows -> {
            Row r = rows.iterator().next();
            Map<String, String> dirs = new LinkedHashMap<>();
            dirs.put("host", MySqlValues.text(r.getValue("host")));
            dirs.put("data", MySqlValues.text(r.getValue("datadir")));
            String binlog = MySqlValues.text(r.getValue("binlog"));
            if (binlog != null) {
                dirs.put("binlog", binlog);
            }
            return dirs;
        }).emitOn(Infrastructure.getDefaultWorkerPool()).map(FilesystemFamily::stores);
    }

    /** Free and total space of each directory's filesystem (name lookup and file system calls: off the event loop). */
    private static List<MetricPoint> stores(Map<String, String> dirs) {
        String host = dirs.remove("host");
        if (host == null || !host.equalsIgnoreCase(localHost())) {
            throw new FamilyUnavailableException("the server runs on host " + host
                    + ", not on this machine: its filesystems cannot be read here");
        }
        PointsBuilder points = new PointsBuilder();
        for (Map.Entry<String, String> d : dirs.entrySet()) {
            Path path;
            try {
                path = Path.of(d.getValue());
            } catch (InvalidPathException e) {
                continue;
            }
            // the binary log setting names a file prefix: its directory holds the files
            Path dir = d.getKey().equals("binlog") ? path.toAbsolutePath().getParent() : path;
            try {
                FileStore store = Files.getFileStore(dir);
                long total = store.getTotalSpace();
                long free = store.getUsableSpace();
                points.add("mysql_filesystem_free_bytes", free, "dir", d.getKey());
                points.add("mysql_filesystem_size_bytes", total, "dir", d.getKey());
                if (total > 0) {
                    points.add("mysql_filesystem_used_ratio", 1.0 - (double) free / total, "dir", d.getKey());
                }
            } catch (IOException | SecurityException e) {
                if (d.getKey().equals("data")) {
                    throw new FamilyUnavailableException("the data directory " + d.getValue()
                            + " is not readable on this machine: " + e.getMessage());
                }
            }
        }
        return points.build();
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "");
        }
    }
}
