package dev.sluice.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How every Kafka client of Sluice signs in and encrypts: TLS and SASL, read from one set of environment variables,
 * {@code SLUICE_KAFKA_} followed by the Kafka client property in capitals with underscores
 * ({@code SLUICE_KAFKA_SECURITY_PROTOCOL} sets {@code security.protocol}). The Admin client behind {@code /readyz} and
 * the lag metric, and the producers of the command-line tools, take {@link #clientProperties()}; the camel-kafka
 * component reads the same variables in {@code application.yaml} (and {@code cli/sluice-cli.properties}).
 * A variable that is unset or blank leaves Kafka's default, so nothing is set by default (PLAINTEXT).
 */
public final class KafkaClientSecurity {

    /** The Kafka client properties that can be set, in the order the documentation lists them. */
    public static final List<String> PROPERTIES = List.of(
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
            SaslConfigs.SASL_MECHANISM,
            SaslConfigs.SASL_JAAS_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
            SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
            SslConfigs.SSL_KEY_PASSWORD_CONFIG);

    private static final Map<String, ConfigDef.ConfigKey> KAFKA_CONFIG = AdminClientConfig.configDef().configKeys();

    private final Map<String, Object> clientProperties;

    private KafkaClientSecurity(Map<String, Object> clientProperties) {
        this.clientProperties = clientProperties;
    }

    /** From the process's environment: for the tools, which run without Spring. */
    public static KafkaClientSecurity fromEnvironment() {
        return from(System::getenv);
    }

    /**
     * The tools' producer (hostile records, dead-letter replay): keys and values as bytes, every write acknowledged
     * by all replicas and never duplicated by a retry, secured as the environment says.
     */
    public static Producer<byte[], byte[]> bytesProducer(String bootstrapServers) {
        return new KafkaProducer<>(fromEnvironment().appliedTo(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /** From whatever answers a variable's name with its value ({@code null} for unset): Spring's Environment, a map. */
    public static KafkaClientSecurity from(Function<String, String> variables) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String property : PROPERTIES) {
            String value = variables.apply(variable(property));
            if (value != null && !value.isBlank()) {
                properties.put(property, secret(property) ? new Password(value) : value);
            }
        }
        return new KafkaClientSecurity(Collections.unmodifiableMap(properties));
    }

    /** The variable for a Kafka client property: {@code ssl.key.password} → {@code SLUICE_KAFKA_SSL_KEY_PASSWORD}. */
    public static String variable(String property) {
        return "SLUICE_KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * The Kafka client properties that were set, and only those. Secrets (the JAAS config and the passwords) are
     * Kafka {@link Password}s, which Kafka's own configuration log, and this map's {@code toString()}, show as
     * {@code [hidden]}.
     */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    /** A client's own configuration with these settings added. */
    public Map<String, Object> appliedTo(Map<String, Object> clientConfig) {
        Map<String, Object> secured = new HashMap<>(clientConfig);
        secured.putAll(clientProperties);
        return secured;
    }

    /** What is set, with every secret shown as {@code [hidden]}: safe to log. */
    @Override
    public String toString() {
        return clientProperties.isEmpty() ? "no SLUICE_KAFKA_* security settings" : clientProperties.toString();
    }

    /** Whether Kafka types the property as a password, the values its configuration log masks. */
    private static boolean secret(String property) {
        return KAFKA_CONFIG.get(property).type == ConfigDef.Type.PASSWORD;
    }
}
