package io.dbautopilot.automation.backup.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a Redis backup recorded beside its RDB file ({@value #FILE}): the keys {@code redis-check-rdb} read from it
 * (with the expiring and already expired ones) and a sample of keys of the target's database with their types, taken
 * on the source before the snapshot and kept only where the key still had the same type after it; the restore check
 * compares a scratch server that loaded the copy with it.
 *
 * @param database            the target's database number the sample is from
 * @param redisVersion        the source's {@code redis_version}
 * @param keys                keys in the RDB (all databases), as {@code redis-check-rdb} read them
 * @param expires             keys of them with a time to live
 * @param alreadyExpired      keys already expired when the snapshot was taken (a loading server drops them)
 * @param sourceKeys          keys of the source ({@code INFO keyspace}, all databases) right before the snapshot
 * @param sample              persistent keys (no TTL) with their type
 * @param changedDuringBackup sampled keys whose type changed or that went away during the snapshot (not compared)
 */
public record RedisBackupRecord(@JsonProperty("database") String database,
                                @JsonProperty("redis_version") String redisVersion,
                                @JsonProperty("keys") long keys,
                                @JsonProperty("expires") long expires,
                                @JsonProperty("already_expired") long alreadyExpired,
                                @JsonProperty("source_keys") long sourceKeys,
                                @JsonProperty("sample") List<SampledKey> sample,
                                @JsonProperty("changed_during_backup") List<String> changedDuringBackup) {

    /** The file beside the RDB. */
    public static final String FILE = "redis-backup.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One sampled key and its {@code TYPE}. */
    public record SampledKey(@JsonProperty("key") String key, @JsonProperty("type") String type) {
    }

    /** Writes the record into a backup's directory. */
    public void write(Path backupDir) throws IOException {
        Files.writeString(backupDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
    }

    /** Reads the record of a backup's directory. */
    public static RedisBackupRecord read(Path backupDir) throws IOException {
        return JSON.readValue(backupDir.resolve(FILE).toFile(), RedisBackupRecord.class);
    }
}
