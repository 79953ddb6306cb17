package io.dbautopilot.localstack.kafka;

import io.dbautopilot.localstack.TempDirectories;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real embedded KRaft broker whose client listener speaks {@code SASL_SSL} (TLS with a key pair made for this run by
 * the JDK's {@code keytool}, SASL/PLAIN with the users given), for tests of the services' Kafka security settings.
 * The controller listener stays PLAINTEXT inside this JVM.
 */
public final class SaslSslKafka implements KafkaBroker {

    private final EmbeddedKafka broker;
    private final Path directory;
    private final Path truststore;
    private final String truststorePassword;
    private final Map<String, String> users;

    private SaslSslKafka(EmbeddedKafka broker, Path directory, Path truststore, String truststorePassword,
                         Map<String, String> users) {
        this.users = Map.copyOf(users);
        this.broker = broker;
        this.directory = directory;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
    }

    /** Starts a broker accepting SASL/PLAIN logins of {@code users} (name → password) over TLS. */
    public static SaslSslKafka launch(Map<String, String> users) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("dbautopilot-kafka-tls-");
            String storePassword = secret();
            Path keystore = dir.resolve("broker.p12");
            Path certificate = dir.resolve("broker.crt");
            Path truststore = dir.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", storePassword, "-keypass", storePassword);
            keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass",
                    storePassword, "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype",
                    "PKCS12", "-keystore", truststore.toString(), "-storepass", storePassword);
            String brokerPassword = secret();
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"broker\" password=\"" + brokerPassword + "\" user_broker=\"" + brokerPassword + "\"");
            users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
            jaas.append(';');
            Map<String, Object> props = new HashMap<>();
            props.put("listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT");
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            props.put("listener.name.external.plain.sasl.jaas.config", jaas.toString());
            props.put("ssl.keystore.type", "PKCS12");
            props.put("ssl.keystore.location", keystore.toString());
            props.put("ssl.keystore.password", storePassword);
            props.put("ssl.key.password", storePassword);
            props.put("ssl.truststore.type", "PKCS12");
            props.put("ssl.truststore.location", truststore.toString());
            props.put("ssl.truststore.password", storePassword);
            return new SaslSslKafka(EmbeddedKafka.launch(props), dir, truststore, storePassword, users);
        } catch (IOException e) {
            if (dir != null) {
                TempDirectories.deleteRecursively(dir);
            }
            throw new IllegalStateException("could not prepare the TLS broker: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (dir != null) {
                TempDirectories.deleteRecursively(dir);
            }
            throw e;
        }
    }

    /** Client settings (see {@link #clientProperties(String, String)}) of one of the broker's users. */
    public Map<String, String> clientProperties(String user) {
        String password = users.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no user " + user + " on this broker (users: " + users.keySet() + ")");
        }
        return clientProperties(user, password);
    }

    /**
     * Client settings (without the {@code kafka.} prefix) for {@code user} with {@code password} (right or wrong): SASL_SSL, PLAIN, the JAAS line with the
     * password, and the truststore that holds the broker's certificate.
     */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers());
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", truststore.toString());
        props.put("ssl.truststore.password", truststorePassword);
        return props;
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void stop() {
        broker.stop();
    }

    @Override
    public void start() {
        broker.start();
    }

    @Override
    public boolean running() {
        return broker.running();
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            TempDirectories.deleteRecursively(directory);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Runs the JDK's keytool with an argument list (no shell); throws with its output when it fails. */
    private static void keytool(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }
}
