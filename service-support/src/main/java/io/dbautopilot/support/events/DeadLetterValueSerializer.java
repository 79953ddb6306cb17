package io.dbautopilot.support.events;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * Value serializer of the dead-letter producers: a record is always accepted by its DLQ. A value that fits in what the
 * producer may send ({@code max.request.size}, less the record's headers and a margin for the key and the framing)
 * is written as received (UTF-8); a larger one is replaced by its first {@value #PREFIX_BYTES} bytes, and the copy
 * says so in headers: {@code dead-letter-value-truncated=true}, {@code dead-letter-value-size} (bytes received),
 * {@code dead-letter-value-sha256} (hex, of the whole value) and {@code dead-letter-value-prefix-bytes}. Without this
 * the send fails ({@code RecordTooLargeException}), the nack fails and the consuming channel stops.
 */
public class DeadLetterValueSerializer implements Serializer<String> {

    /** How much of an oversized value the dead-letter copy keeps. */
    public static final int PREFIX_BYTES = 64 * 1024;
    /** Room left for the key, the record framing and the headers this serializer adds. */
    static final int MARGIN_BYTES = 16 * 1024;

    public static final String TRUNCATED = "dead-letter-value-truncated";
    public static final String SIZE = "dead-letter-value-size";
    public static final String SHA256 = "dead-letter-value-sha256";
    public static final String PREFIX = "dead-letter-value-prefix-bytes";

    private int maxRequestSize = 1024 * 1024;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object max = configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (max != null) {
            maxRequestSize = Integer.parseInt(max.toString().trim());
        }
    }

    @Override
    public byte[] serialize(String topic, String data) {
        return serialize(topic, null, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, String data) {
        if (data == null) {
            return null;
        }
        byte[] value = data.getBytes(StandardCharsets.UTF_8);
        int budget = maxRequestSize - MARGIN_BYTES - headerBytes(headers);
        if (value.length <= budget || headers == null) {
            return value;
        }
        int keep = Math.max(0, Math.min(PREFIX_BYTES, budget));
        headers.add(TRUNCATED, "true".getBytes(StandardCharsets.UTF_8));
        headers.add(SIZE, Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
        headers.add(SHA256, sha256(value).getBytes(StandardCharsets.UTF_8));
        headers.add(PREFIX, Integer.toString(keep).getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(value, keep);
    }

    private static int headerBytes(Headers headers) {
        int n = 0;
        if (headers != null) {
            for (Header h : headers) {
                n += h.key().length() + (h.value() == null ? 0 : h.value().length);
            }
        }
        return n;
    }

    /** Hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
