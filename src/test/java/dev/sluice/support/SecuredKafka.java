package dev.sluice.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.network.ListenerName;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * An in-process KRaft broker whose clients must use TLS and sign in: SASL_SSL with PLAIN, as {@link #USER}, on
 * {@link #bootstrapServers()}, with a certificate for {@code localhost} made for this run (one {@code keytool} call).
 * The embedded broker's own tooling (topic creation) keeps its unsecured listener; no test hands that one to Sluice.
 */
public final class SecuredKafka implements AutoCloseable {

    public static final String USER = "sluice";
    private static final ListenerName SECURED = new ListenerName("SECURED");

    private final String password = UUID.randomUUID().toString();
    private final String storePassword = UUID.randomUUID().toString();
    private final Path directory;
    private final Path truststore;
    private final EmbeddedKafkaKraftBroker broker;

    private SecuredKafka(int partitions, String... topics) throws IOException, GeneralSecurityException,
            InterruptedException {
        directory = Files.createTempDirectory("sluice-kafka-tls");
        Path keystore = directory.resolve("broker.p12");
        truststore = directory.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", storePassword);
        trustTheCertificateOf(keystore);

        String listener = "listener.name." + SECURED.value().toLowerCase() + ".";
        broker = new EmbeddedKafkaKraftBroker(1, partitions, topics);
        broker.brokerProperty("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0,SECURED://localhost:0");
        broker.brokerProperty("listener.security.protocol.map",
                "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURED:SASL_SSL");
        broker.brokerProperty(listener + "sasl.enabled.mechanisms", "PLAIN");
        broker.brokerProperty(listener + "plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + USER + "=\"" + password
                        + "\";");
        broker.brokerProperty(listener + "ssl.keystore.location", keystore.toString());
        broker.brokerProperty(listener + "ssl.keystore.password", storePassword);
        broker.brokerProperty(listener + "ssl.keystore.type", "PKCS12");
        broker.afterPropertiesSet();
    }

    /** Starts the broker with the topics, each of {@code partitions} partitions. */
    public static SecuredKafka start(int partitions, String... topics) {
        try {
            return new SecuredKafka(partitions, topics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | InterruptedException e) {
            throw new IllegalStateException("Could not make the broker's certificate", e);
        }
    }

    /** The secured listener. */
    public String bootstrapServers() {
        return "localhost:" + broker.getCluster().brokers().values().iterator().next().boundPort(SECURED);
    }

    /** The password {@link #USER} signs in with. */
    public String password() {
        return password;
    }

    /** The SLUICE_KAFKA_* settings of a client that trusts this broker and signs in as {@link #USER}. */
    public Map<String, String> clientSettings(String signInPassword) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("SLUICE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        settings.put("SLUICE_KAFKA_SASL_MECHANISM", "PLAIN");
        settings.put("SLUICE_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                        + "\" password=\"" + signInPassword + "\";");
        settings.put("SLUICE_KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString());
        settings.put("SLUICE_KAFKA_SSL_TRUSTSTORE_PASSWORD", storePassword);
        settings.put("SLUICE_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
        return settings;
    }

    @Override
    public void close() {
        broker.destroy();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void trustTheCertificateOf(Path keystore) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, storePassword.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("broker", keys.getCertificate("broker"));
        try (OutputStream out = Files.newOutputStream(truststore)) {
            trusted.store(out, storePassword.toCharArray());
        }
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        Path log = Files.createTempFile("keytool", ".log");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String[] command = Stream.concat(Stream.of(keytool), Stream.of(arguments)).toArray(String[]::new);
        Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = run.waitFor(Patience.PIPELINE.toSeconds(), TimeUnit.SECONDS);
        String output = Files.readString(log);
        Files.delete(log);
        if (!finished || run.exitValue() != 0) {
            run.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
    }
}
