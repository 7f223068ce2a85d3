package dev.nfe.pipeline.kafka.codec;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data model of our decoders: Avro's specific model, told the generated classes instead of
 * loading them by schema name. Avro 1.12.2 checks every class it loads by name against
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} (AVRO-4189) and throws a SecurityException for
 * our generated classes unless that JVM-wide property is set before Avro is first used. Naming
 * the classes here trusts exactly these, for these decoders only, with no global state.
 * (Logical-type conversions would have to be added here too; the schemas use none.)
 */
final class GeneratedClasses extends SpecificData {
    static final List<Class<?>> ALL = List.of(
            dev.nfe.schema.v1.TcpSegment.class,
            dev.nfe.schema.v1.Session.class, dev.nfe.schema.v1.ClientHello.class, dev.nfe.schema.v1.ServerHello.class,
            dev.nfe.schema.v1.Certificate.class, dev.nfe.schema.v1.Alert.class, dev.nfe.schema.v1.Rst.class, dev.nfe.schema.v1.Abort.class,
            dev.nfe.schema.v1.Finding.class,
            dev.nfe.schema.v1.AgentStats.class,
            dev.nfe.schema.v1.AgentMarker.class, dev.nfe.schema.v1.MarkerKind.class,
            dev.nfe.schema.v1.Observation.class, dev.nfe.schema.v1.FeatureRun.class,
            dev.nfe.schema.v1.SourceEnd.class,
            dev.nfe.schema.v1.HostIncidents.class, dev.nfe.schema.v1.Incident.class, dev.nfe.schema.v1.NamedCount.class,
            dev.nfe.schema.v1.Recurrence.class, dev.nfe.schema.v1.Discriminator.class);

    private final Map<String, Class<?>> byName = new HashMap<>();

    GeneratedClasses() {
        // generated classes are top-level and named like their schemas
        ALL.forEach(c -> byName.put(c.getName(), c));
        // the generated classes' own decoders (as ResultEncoder's encoders): read fields straight
        // off the decoder instead of walking the schema per record; a value written with another
        // schema is still resolved field by field (readFieldOrderIfDiff)
        setCustomCoders(true);
    }

    @Override
    public Class<?> getClass(Schema schema) {
        switch (schema.getType()) {
            case RECORD:
            case ENUM:
            case FIXED:
                Class<?> c = byName.get(schema.getFullName());
                if (c == null) {
                    throw new AvroRuntimeException("no generated class for " + schema.getFullName());
                }
                return c;
            default:
                return super.getClass(schema);
        }
    }
}
