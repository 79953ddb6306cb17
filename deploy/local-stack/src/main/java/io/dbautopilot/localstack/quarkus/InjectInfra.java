package io.dbautopilot.localstack.quarkus;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test field of type {@link io.dbautopilot.localstack.kafka.KafkaBroker},
 * {@link io.dbautopilot.localstack.postgres.PostgresServer}, {@link io.dbautopilot.localstack.mariadb.MariaDbServer}
 * or {@link io.dbautopilot.localstack.redis.RedisServer} to receive the instance a test resource started,
 * so a test can stop it, restart it or run commands against it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectInfra {
}
