package dev.sluice.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaClientSecurityTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"sluice\" password=\"scram-secret-31d9\";";

    @Test
    void nothingIsSetByDefault() {
        assertThat(KafkaClientSecurity.from(Map.<String, String>of()::get).clientProperties()).isEmpty();
    }

    @Test
    void aBlankVariableCountsAsUnset() {
        KafkaClientSecurity security = KafkaClientSecurity.from(Map.of(
                "SLUICE_KAFKA_SECURITY_PROTOCOL", "",
                "SLUICE_KAFKA_SASL_JAAS_CONFIG", "  ")::get);

        assertThat(security.clientProperties()).isEmpty();
    }

    @Test
    void saslSslWithScramSetsTheProtocolTheMechanismTheJaasConfigAndTheTruststore() {
        KafkaClientSecurity security = KafkaClientSecurity.from(Map.of(
                "SLUICE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SLUICE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "SLUICE_KAFKA_SASL_JAAS_CONFIG", JAAS,
                "SLUICE_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/sluice/kafka-ca.p12",
                "SLUICE_KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-secret-77a0",
                "SLUICE_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12")::get);

        assertThat(security.clientProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", new Password(JAAS)),
                Map.entry("ssl.truststore.location", "/etc/sluice/kafka-ca.p12"),
                Map.entry("ssl.truststore.password", new Password("trust-secret-77a0")),
                Map.entry("ssl.truststore.type", "PKCS12"));
    }

    @Test
    void mutualTlsSetsTheKeystoreAndTheKeyPassword() {
        KafkaClientSecurity security = KafkaClientSecurity.from(Map.of(
                "SLUICE_KAFKA_SECURITY_PROTOCOL", "SSL",
                "SLUICE_KAFKA_SSL_KEYSTORE_LOCATION", "/etc/sluice/client.p12",
                "SLUICE_KAFKA_SSL_KEYSTORE_PASSWORD", "store-secret",
                "SLUICE_KAFKA_SSL_KEYSTORE_TYPE", "PKCS12",
                "SLUICE_KAFKA_SSL_KEY_PASSWORD", "key-secret")::get);

        assertThat(security.clientProperties()).containsOnly(
                Map.entry("security.protocol", "SSL"),
                Map.entry("ssl.keystore.location", "/etc/sluice/client.p12"),
                Map.entry("ssl.keystore.password", new Password("store-secret")),
                Map.entry("ssl.keystore.type", "PKCS12"),
                Map.entry("ssl.key.password", new Password("key-secret")));
    }

    @Test
    void eachVariableIsSluiceKafkaAndTheKafkaPropertyInCapitals() {
        assertThat(KafkaClientSecurity.PROPERTIES.stream().map(KafkaClientSecurity::variable)).containsExactly(
                "SLUICE_KAFKA_SECURITY_PROTOCOL",
                "SLUICE_KAFKA_SASL_MECHANISM",
                "SLUICE_KAFKA_SASL_JAAS_CONFIG",
                "SLUICE_KAFKA_SSL_TRUSTSTORE_LOCATION",
                "SLUICE_KAFKA_SSL_TRUSTSTORE_PASSWORD",
                "SLUICE_KAFKA_SSL_TRUSTSTORE_TYPE",
                "SLUICE_KAFKA_SSL_KEYSTORE_LOCATION",
                "SLUICE_KAFKA_SSL_KEYSTORE_PASSWORD",
                "SLUICE_KAFKA_SSL_KEYSTORE_TYPE",
                "SLUICE_KAFKA_SSL_KEY_PASSWORD");
    }

    @Test
    void secretsShowAsHiddenWhereverTheSettingsAreLogged() {
        KafkaClientSecurity security = KafkaClientSecurity.from(Map.of(
                "SLUICE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SLUICE_KAFKA_SASL_JAAS_CONFIG", JAAS,
                "SLUICE_KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-secret-77a0",
                "SLUICE_KAFKA_SSL_KEYSTORE_PASSWORD", "store-secret-5c2e",
                "SLUICE_KAFKA_SSL_KEY_PASSWORD", "key-secret-0b94")::get);

        for (String logged : List.of(security.toString(), security.clientProperties().toString())) {
            assertThat(logged).contains("SASL_SSL").contains("[hidden]").doesNotContain("scram-secret-31d9")
                    .doesNotContain("ScramLoginModule").doesNotContain("trust-secret-77a0")
                    .doesNotContain("store-secret-5c2e").doesNotContain("key-secret-0b94");
        }
    }

    @Test
    void kafkaClientsTakeTheSettingsAlongsideTheirOwnConfiguration() {
        KafkaClientSecurity security = KafkaClientSecurity.from(Map.of(
                "SLUICE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SLUICE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "SLUICE_KAFKA_SASL_JAAS_CONFIG", JAAS)::get);

        ProducerConfig producer = new ProducerConfig(security.appliedTo(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9093",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
        AdminClientConfig admin = new AdminClientConfig(security.appliedTo(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9093")));

        for (var config : List.of(producer, admin)) {
            assertThat(config.getList("bootstrap.servers")).containsExactly("kafka-1:9093");
            assertThat(config.getString("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(config.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(config.getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
        }
    }

    /** camel-kafka is configured in files, not through this class: each file must read every variable. */
    @Test
    void theCamelKafkaComponentReadsTheSameVariablesInTheAppAndInTheCli() throws IOException {
        Map<String, String> app = camelKafkaOptions();
        Properties cli = new Properties();
        try (Reader file = Files.newBufferedReader(Path.of("cli/sluice-cli.properties"))) {
            cli.load(file);
        }

        for (String property : KafkaClientSecurity.PROPERTIES) {
            String option = property.replace('.', '-');
            String variable = KafkaClientSecurity.variable(property);
            assertThat(app.get(option)).as("application.yaml camel.component.kafka." + option)
                    .startsWith("${" + variable + ":");
            assertThat(cli.getProperty("camel.component.kafka." + option)).as("cli/sluice-cli.properties " + option)
                    .startsWith("{{env:" + variable + ":");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> camelKafkaOptions() throws IOException {
        try (Reader file = Files.newBufferedReader(Path.of("src/main/resources/application.yaml"))) {
            Map<String, Object> yaml = new Yaml().load(file);
            Map<String, Object> camel = (Map<String, Object>) yaml.get("camel");
            Map<String, Object> components = (Map<String, Object>) camel.get("component");
            Map<String, Object> kafka = (Map<String, Object>) components.get("kafka");
            Map<String, String> options = new HashMap<>();
            kafka.forEach((option, value) -> options.put(option, String.valueOf(value)));
            return options;
        }
    }
}
