package dev.sluice.bench.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * Events as the load generator writes them (ReviewEvents), wrapped in the bench's envelope schema and decoded by the
 * worker's JsonConverter: the valid ones become their reviews row, each defect the generator cycles through is
 * refused, as Sluice's EventValidator refuses it.
 */
class ReviewRowTest {

    private static final String EVENT_ID = "5f0c3e5a-3c1d-4f6e-9a59-0a8b1c2d3e4f";
    private static final String TS = "2026-12-01T10:15:30.123456Z";

    private final ReviewRow<SinkRecord> transform = new ReviewRow<>();

    @Test
    void validV1EventBecomesTheRowSluiceWrites() throws IOException {
        Struct row = (Struct) transform.apply(record(event(EVENT_ID, 1, "{\"review_id\":\"r-1\",\"rating\":4,\"text\":\"fine\"}"), 3, 1234)).value();

        assertEquals("r-1", row.get("review_id"));
        assertEquals("user:7", row.get("user_key"));
        assertEquals((short) 4, row.get("rating"));
        assertEquals("fine", row.get("review_text"));
        assertNull(row.get("title"));
        assertEquals(TS, row.get("reviewed_at"));
        assertEquals(EVENT_ID, row.get("event_id"));
        assertEquals("bench.throughput.connect", row.get("source_topic"));
        assertEquals(3, row.get("source_partition"));
        assertEquals(1234L, row.get("source_offset"));
        assertEquals(TS, row.get("version_at"));
        assertEquals(3, row.get("version_partition"));
        assertEquals(1234L, row.get("version_offset"));
    }

    @Test
    void v2EventBindsItsBodyAndTitle() throws IOException {
        Struct row = (Struct) transform.apply(record(event(EVENT_ID, 2,
                "{\"review_id\":\"r-2\",\"rating\":5,\"title\":\"Great\",\"body\":\"really\"}"), 0, 0)).value();

        assertEquals("really", row.get("review_text"));
        assertEquals("Great", row.get("title"));
    }

    @Test
    void v1EventBindsNoTitleWhateverItSent() throws IOException {
        Struct row = (Struct) transform.apply(record(event(EVENT_ID, 1,
                "{\"review_id\":\"r-3\",\"rating\":2,\"text\":\"meh\",\"title\":\"ignored\"}"), 0, 0)).value();

        assertNull(row.get("title"));
    }

    @Test
    void ratingOutOfRangeIsRefused() {
        assertRefused(event(EVENT_ID, 1, "{\"review_id\":\"r-4\",\"rating\":9,\"text\":\"too good\"}"), "payload.rating");
    }

    @Test
    void missingReviewIdIsRefused() {
        assertRefused(event(EVENT_ID, 1, "{\"rating\":3,\"text\":\"who?\"}"), "payload.review_id");
    }

    @Test
    void eventIdThatIsNotAUuidIsRefused() {
        assertRefused(event("not-a-uuid", 1, "{\"review_id\":\"r-5\",\"rating\":4,\"text\":\"fine\"}"), "event_id");
    }

    @Test
    void unsupportedSchemaVersionIsRefused() {
        assertRefused(event(EVENT_ID, 99, "{\"review_id\":\"r-6\",\"rating\":4,\"text\":\"fine\"}"), "schema_version");
    }

    @Test
    void eventFromTheFarFutureIsRefused() {
        String ahead = Instant.now().plusSeconds(2 * 3600).toString();
        assertRefused(event(EVENT_ID, 1, "{\"review_id\":\"r-7\",\"rating\":4,\"text\":\"fine\"}").replace(TS, ahead), "ts");
    }

    @Test
    void v2EventWithoutBodyIsRefused() {
        assertRefused(event(EVENT_ID, 2, "{\"review_id\":\"r-8\",\"rating\":4,\"text\":\"v1 field\"}"), "payload.body");
    }

    @Test
    void blankKeyIsRefused() {
        assertRefused(event(EVENT_ID, 1, "{\"review_id\":\"r-9\",\"rating\":4,\"text\":\"fine\"}").replace("user:7", " "), "key");
    }

    @Test
    void nulInTheTextIsRefused() {
        assertRefused(event(EVENT_ID, 1, "{\"review_id\":\"r-10\",\"rating\":4,\"text\":\"a\\u0000b\"}"), "payload.text");
    }

    @Test
    void loneSurrogateInTheKeyIsRefused() {
        assertRefused(event(EVENT_ID, 1, "{\"review_id\":\"r-11\",\"rating\":4,\"text\":\"fine\"}")
                .replace("user:7", "user:\\ud800"), "key");
    }

    @Test
    void pairedSurrogatesAreStored() throws IOException {
        Struct row = (Struct) transform.apply(record(event(EVENT_ID, 1,
                "{\"review_id\":\"r-12\",\"rating\":5,\"text\":\"\\ud83d\\ude00\"}"), 0, 0)).value();

        assertEquals("\ud83d\ude00", row.get("review_text"));
    }

    private void assertRefused(String event, String field) {
        DataException refused = assertThrows(DataException.class, () -> transform.apply(record(event, 0, 0)));
        assertEquals(field, refused.getMessage().replaceFirst(":.*", "").replaceFirst("^event_type/", ""));
    }

    private static String event(String eventId, int schemaVersion, String payload) {
        return "{\"event_id\":\"" + eventId + "\",\"event_type\":\"review_created\",\"key\":\"user:7\",\"ts\":\"" + TS
                + "\",\"schema_version\":" + schemaVersion + ",\"payload\":" + payload + "}";
    }

    /** The event as bench/run.sh re-encodes it (ConnectEnvelopes), decoded as the worker decodes it. */
    private static SinkRecord record(String event, int partition, long offset) throws IOException {
        String schema = Files.readString(Path.of("../review-event.connect.json")).trim();
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        String topic = "bench.throughput.connect";
        SchemaAndValue value = converter.toConnectData(topic,
                ("{\"schema\":" + schema + ",\"payload\":" + event + "}").getBytes(StandardCharsets.UTF_8));
        return new SinkRecord(topic, partition, null, "user:7", value.schema(), value.value(), offset);
    }
}
