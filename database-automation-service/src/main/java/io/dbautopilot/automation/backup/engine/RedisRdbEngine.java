package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import io.dbautopilot.automation.redis.RedisConnections;
import io.dbautopilot.automation.redis.RedisSession;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.tool.ToolProcess;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis backups: an RDB snapshot streamed by {@code redis-cli --rdb} (the server forks, as for a replica's full sync,
 * and sends the snapshot; on Redis 7 with {@code rdb-only}, so it neither becomes a replica nor writes its own
 * {@code dump.rdb}; works on a remote server without access to its files or {@code CONFIG}), checked by
 * {@code redis-check-rdb} (the keys it read are recorded) and verified by its SHA-256 and a load into a scratch
 * {@code redis-server}: the restored key count must equal the recorded one and a sample of keys must exist with the
 * same type. The password reaches redis-cli through {@code REDISCLI_AUTH}, never its command line.
 */
@Singleton
public class RedisRdbEngine implements DirectoryBackupEngine, ScratchRestoring {

    private static final Logger LOG = Logger.getLogger(RedisRdbEngine.class);
    /** How long a verification's restore may take. */
    private static final Duration VERIFY_BUDGET = Duration.ofMinutes(30);
    /** How many keys of the target's database are sampled (persistent keys only). */
    static final int SAMPLE = 20;
    /** The RDB file's name in a backup directory and a scratch data directory. */
    static final String RDB = "dump.rdb";

    private static final Pattern KEYS_READ = Pattern.compile("\\[info] (\\d+) keys read");
    private static final Pattern EXPIRES = Pattern.compile("\\[info] (\\d+) expires");
    private static final Pattern ALREADY_EXPIRED = Pattern.compile("\\[info] (\\d+) already expired");

    private final BackupTools tools;
    private final RedisConnections redis;
    private final Vertx vertx;

    public RedisRdbEngine(BackupTools tools, RedisConnections redis, Vertx vertx) {
        this.tools = tools;
        this.redis = redis;
        this.vertx = vertx;
    }

    @Override
    public EngineKind kind() {
        return EngineKind.REDIS_RDB;
    }

    @Override
    public Set<Engine> databaseEngines() {
        return Set.of(Engine.REDIS);
    }

    @Override
    public Optional<String> unsupported(BackupTarget t, BackupType type) {
        return type == BackupType.FULL ? Optional.empty()
                : Optional.of("redis_rdb takes full snapshots only (type full), not " + type.wire());
    }

    /** What {@code redis-check-rdb} said of a file. */
    record RdbCheck(boolean ok, long keys, long expires, long alreadyExpired, String output) {
    }

    @Override
    public EngineResult backup(BackupTarget t, BackupType type, Progress progress, BooleanSupplier stop,
                               Instant deadline) throws BackupFailure {
        Optional<String> why = unsupported(t, type);
        if (why.isPresent()) {
            throw new BackupFailure(why.get());
        }
        String name = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = t.home().resolve("redis_rdb").resolve(name);
        Path file = dir.resolve(RDB);
        try {
            StoredFiles.directory(t.home(), Optional.empty());
            StoredFiles.directory(dir.getParent(), Optional.empty());
            StoredFiles.directory(dir, Optional.empty());
        } catch (IOException e) {
            throw new BackupFailure("cannot create " + dir + ": " + e.getMessage(), e);
        }
        progress.location(dir.toString());
        try {
            List<RedisBackupRecord.SampledKey> sample;
            long sourceKeys;
            String version;
            try (RedisSession s = redis.open(t.databaseId())) {
                version = s.info("server").getOrDefault("redis_version", "unknown");
                sourceKeys = s.totalKeys();
                sample = sample(s);
            }
            List<String> cmd = new ArrayList<>(List.of(tools.tool("redis-cli").toString(), "-h", t.host(), "-p",
                    Integer.toString(t.port())));
            t.user().ifPresent(u -> cmd.addAll(List.of("--user", u)));
            cmd.addAll(List.of("--no-auth-warning", "--rdb", file.toString()));
            Map<String, String> env = new HashMap<>();
            t.password().ifPresent(p -> env.put("REDISCLI_AUTH", p));
            progress.report(0.0, 0L, null);
            ToolProcess.Result r = new ToolProcess(cmd, env, Optional.empty(), null).run(line -> {
            }, stop, deadline);
            if (!r.ok() || !Files.isRegularFile(file) || Files.size(file) == 0) {
                StoredFiles.delete(dir);
                throw new BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                        : "redis-cli --rdb exited with " + r.exitCode() + ": " + r.output()
                        + " (the user needs the SYNC command, e.g. ACL +sync, or +@admin)");
            }
            progress.report(90.0, Files.size(file), Files.size(file));
            List<RedisBackupRecord.SampledKey> stable = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            try (RedisSession s = redis.open(t.databaseId())) {
                for (RedisBackupRecord.SampledKey k : sample) {
                    if (k.type().equals(s.send("TYPE", k.key()).toString())) {
                        stable.add(k);
                    } else {
                        changed.add(k.key());
                    }
                }
            }
            RdbCheck check = check(file, stop, deadline);
            if (!check.ok()) {
                StoredFiles.delete(dir);
                throw new BackupFailure("redis-check-rdb found the snapshot unusable: " + check.output());
            }
            new RedisBackupRecord(t.database(), version, check.keys(), check.expires(), check.alreadyExpired(),
                    sourceKeys, stable, changed).write(dir);
            StoredFiles.restrict(dir);
            return new EngineResult(BackupType.FULL, name, null, dir.toString(), Files.size(file),
                    StoredFiles.size(dir), null, null, null, null, StoredFiles.sha256(dir));
        } catch (IOException | RuntimeException e) {
            StoredFiles.deleteQuietly(dir);
            throw new BackupFailure("redis_rdb backup of '" + t.databaseId() + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Up to {@link #SAMPLE} persistent keys (no TTL: an expiring one may be gone when the copy loads) of the session's
     * database with their types, found by {@code SCAN} (never {@code KEYS}); keys that are not UTF-8 text are passed
     * over.
     */
    static List<RedisBackupRecord.SampledKey> sample(RedisSession s) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        int rounds = 0;
        do {
            Response r = s.send("SCAN", cursor, "COUNT", 100);
            cursor = r.get(0).toString();
            Response batch = r.get(1);
            for (int i = 0; i < batch.size(); i++) {
                Response k = batch.get(i);
                String text = k.toString();
                if (Arrays.equals(k.toBuffer().getBytes(), text.getBytes(StandardCharsets.UTF_8))) {
                    keys.add(text);
                }
            }
            rounds++;
        } while (!"0".equals(cursor) && keys.size() < 4 * SAMPLE && rounds < 100);
        List<RedisBackupRecord.SampledKey> out = new ArrayList<>();
        for (String key : keys) {
            if (out.size() >= SAMPLE) {
                break;
            }
            if (s.send("PTTL", key).toLong() == -1) {
                out.add(new RedisBackupRecord.SampledKey(key, s.send("TYPE", key).toString()));
            }
        }
        return out;
    }

    /** Runs {@code redis-check-rdb} on a file: OK or not, and the keys it read. */
    RdbCheck check(Path file, BooleanSupplier stop, Instant deadline) throws IOException {
        List<String> lines = new ArrayList<>();
        ToolProcess.Result r = ToolProcess.of(List.of(tools.tool("redis-check-rdb").toString(), file.toString()))
                .run(lines::add, stop, deadline);
        String all = String.join("\n", lines);
        boolean ok = r.ok() && all.contains("RDB looks OK");
        return new RdbCheck(ok, count(KEYS_READ, all), count(EXPIRES, all), count(ALREADY_EXPIRED, all),
                ok ? all.substring(Math.max(0, all.length() - 300)) : r.output());
    }

    private static long count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Override
    public Verification verify(BackupTarget t, Backup backup) throws BackupFailure {
        Path dir = Path.of(backup.location());
        if (!Files.isRegularFile(dir.resolve(RDB))) {
            return new Verification(false, "the snapshot " + dir.resolve(RDB) + " is missing");
        }
        Path work = t.home().resolve("verify").resolve(UUID.randomUUID().toString());
        try {
            String sum = StoredFiles.sha256(dir);
            if (backup.checksum() != null && !backup.checksum().equals(sum)) {
                return new Verification(false, "checksum mismatch: the files of backup " + backup.backupId()
                        + " changed since it was taken (recorded " + backup.checksum() + ", now " + sum + ")");
            }
            RdbCheck check = check(dir.resolve(RDB), () -> false, Instant.now().plus(VERIFY_BUDGET));
            RedisBackupRecord recorded = RedisBackupRecord.read(dir);
            if (!check.ok() || check.keys() != recorded.keys()) {
                return new Verification(false, "redis-check-rdb: " + (check.ok() ? check.keys() + " keys read, "
                        + recorded.keys() + " recorded" : check.output()));
            }
            RestoreCheck r = restoreAndCheck(t, backup, work, () -> false, Instant.now().plus(VERIFY_BUDGET));
            return new Verification(r.equal(), "files unchanged (SHA-256); redis-check-rdb read " + check.keys()
                    + " keys; loaded into a scratch redis-server in " + r.rtoMillis() + " ms; " + r.detail());
        } catch (BackupFailure e) {
            return new Verification(false, "files unchanged (SHA-256), but the load into a scratch redis-server "
                    + "failed: " + e.getMessage());
        } catch (IOException e) {
            throw new BackupFailure("cannot read " + dir + ": " + e.getMessage(), e);
        } finally {
            StoredFiles.deleteQuietly(work);
        }
    }

    @Override
    public RestoreCheck restoreAndCheck(BackupTarget t, Backup backup, Path work, BooleanSupplier stop,
                                        Instant deadline) throws BackupFailure {
        Map<String, Object> checks = new LinkedHashMap<>();
        try {
            Path dir = Path.of(backup.location());
            RedisBackupRecord recorded = RedisBackupRecord.read(dir);
            StoredFiles.directory(work.getParent(), Optional.empty());
            StoredFiles.directory(work, Optional.empty());
            Path data = StoredFiles.directory(work.resolve("data"), Optional.empty());
            Instant t0 = Instant.now();
            Files.copy(dir.resolve(RDB), data.resolve(RDB), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (ScratchRedis server = ScratchRedis.start(tools.tool("redis-server"), data, vertx, stop, deadline);
                 RedisSession s = server.connect()) {
                long rto = Duration.between(t0, Instant.now()).toMillis();
                checks.put("database_opens", true);
                long restored = s.totalKeys();
                long expected = recorded.keys() - recorded.alreadyExpired();
                // keys with a TTL that ran out between the snapshot and the load are dropped by the loading server
                boolean keysOk = recorded.expires() == 0 ? restored == expected
                        : restored <= expected && restored >= expected - recorded.expires();
                checks.put("keys_recorded", recorded.keys());
                checks.put("keys_restored", restored);
                checks.put("expiring_keys_recorded", recorded.expires());
                checks.put("key_count_equal", keysOk);
                s.send("SELECT", recorded.database());
                List<String> different = new ArrayList<>();
                for (RedisBackupRecord.SampledKey k : recorded.sample()) {
                    String type = s.send("TYPE", k.key()).toString();
                    if (!k.type().equals(type)) {
                        different.add(k.key() + " (" + k.type() + " recorded, " + type + " restored)");
                    }
                }
                checks.put("sample_keys_checked", recorded.sample().size());
                checks.put("sample_keys_equal", different.isEmpty());
                if (!different.isEmpty()) {
                    checks.put("sample_keys_different", different);
                }
                if (!recorded.changedDuringBackup().isEmpty()) {
                    checks.put("changed_during_backup", recorded.changedDuringBackup());
                }
                boolean equal = keysOk && different.isEmpty();
                String detail = restored + " keys restored, " + expected + " recorded"
                        + (recorded.expires() == 0 ? "" : " (" + recorded.expires() + " with a TTL)") + "; "
                        + (recorded.sample().size() - different.size()) + " of " + recorded.sample().size()
                        + " sampled keys with the same type" + (different.isEmpty() ? "" : ", different: " + different);
                LOG.infof("Backup %s of %s loaded into a scratch redis-server: RTO %d ms, %s", backup.backupId(),
                        backup.databaseId(), rto, detail);
                return new RestoreCheck(equal, rto, checks, detail);
            }
        } catch (IOException | RuntimeException e) {
            throw new BackupFailure("load of backup " + backup.backupId() + " into a scratch redis-server failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void restore(BackupTarget t, Backup backup, Path dataDir, Optional<Instant> targetTime,
                        BooleanSupplier stop, Instant deadline) throws BackupFailure {
        throw new BackupFailure("a redis_rdb backup is restored into a scratch redis-server by the restore operation "
                + "itself (restoreAndCheck), not into a PostgreSQL data directory");
    }

}
