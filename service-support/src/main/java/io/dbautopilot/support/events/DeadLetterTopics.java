package io.dbautopilot.support.events;

import io.dbautopilot.support.fleet.KafkaClientSettings;
import io.dbautopilot.support.retry.Backoff;
import io.dbautopilot.support.retry.Retry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the dead-letter topics of the service's incoming channels
 * ({@code mp.messaging.incoming.<channel>.dead-letter-queue.topic}) when the service starts, instead of leaving them to
 * the broker's auto-creation on the first dead-lettered record: a broker with {@code auto.create.topics.enable=false}
 * would refuse that record, and an idempotent producer writing a burst onto a topic being auto-created can have its
 * first batch refused for ever (KAFKA-14359: NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER on every retry),
 * which held the channel's dead-lettering for its 2-minute delivery timeout in a CI run. Created with the broker's
 * default partitions and replication; a broker away at start is retried in the background (doubling from 1 s to 30 s).
 */
@ApplicationScoped
public class DeadLetterTopics {

    private static final Logger LOG = Logger.getLogger(DeadLetterTopics.class);
    private static final Pattern PROPERTY =
            Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.dead-letter-queue\\.topic");
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    private volatile boolean stopping;

    void onStart(@Observes StartupEvent event, Config config) {
        Set<String> topics = topics(config);
        if (topics.isEmpty()) {
            return;
        }
        KafkaClientSettings kafka = KafkaClientSettings.from(config);
        Thread creator = new Thread(() -> createAll(kafka, topics), "dead-letter-topics");
        creator.setDaemon(true);
        creator.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** The dead-letter topics the configuration names (channels with the dead-letter-queue failure strategy). */
    static Set<String> topics(Config config) {
        Set<String> topics = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = PROPERTY.matcher(name);
            if (m.matches()) {
                String channel = m.group(1);
                boolean deadLettering = config.getOptionalValue(
                        "mp.messaging.incoming." + channel + ".failure-strategy", String.class)
                        .map("dead-letter-queue"::equals).orElse(false);
                Optional<String> topic = config.getOptionalValue(name, String.class).filter(t -> !t.isBlank());
                if (deadLettering && topic.isPresent()) {
                    topics.add(topic.get());
                }
            }
        }
        return topics;
    }

    private void createAll(KafkaClientSettings kafka, Set<String> topics) {
        try {
            Retry.run(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Integer.MAX_VALUE), Exception.class,
                    e -> true, () -> stopping,
                    (failure, retry, wait) -> LOG.warnf("Could not create the dead-letter topics %s (%s); trying again"
                            + " in %d s", topics, failure.getMessage(), wait.toSeconds()),
                    attempt -> create(kafka, topics));
        } catch (Exception e) {
            LOG.debugf("Stopped creating the dead-letter topics: %s", e.getMessage());
        }
    }

    private static Void create(KafkaClientSettings kafka, Set<String> topics) throws Exception {
        try (Admin admin = Admin.create(kafka.with(Map.of("client.id", "dead-letter-topics",
                "request.timeout.ms", (int) ADMIN_TIMEOUT.toMillis(),
                "default.api.timeout.ms", (int) ADMIN_TIMEOUT.toMillis())))) {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Optional.empty(), Optional.empty())).toList();
            if (missing.isEmpty()) {
                return null;
            }
            try {
                admin.createTopics(missing).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("Created the dead-letter topics %s", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return null;
        }
    }
}
