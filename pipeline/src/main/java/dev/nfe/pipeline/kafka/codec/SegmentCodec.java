package dev.nfe.pipeline.kafka.codec;

import dev.nfe.capture.Bytes;
import dev.nfe.capture.Endpoint;
import dev.nfe.capture.IpAddress;
import dev.nfe.capture.TcpSegment;
import org.apache.avro.SchemaNormalization;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code nfe.segments} values: Avro single-object encoding of {@code dev.nfe.schema.v1.TcpSegment},
 * written and read by hand. This is the hot path of the Kafka pipeline (one record per packet):
 * the generic Avro writer costs a generated object, a datum writer walk and a ByteBuffer per
 * segment, where this costs one byte array; payloads are decoded as views of the record value,
 * not copied. Tests check byte equality with Avro's own encoder both ways.
 *
 * <pre>
 * single object = C3 01 | CRC-64-AVRO fingerprint of the writer schema (8 bytes, little endian) | body
 * body (field order of TcpSegment.avsc) =
 *   long timestamp_nanos, long frame, string source, bytes src_ip, int src_port, bytes dst_ip,
 *   int dst_port, long seq, long ack, int flags, int window, int ttl, int ip_id,
 *   int payload_length, bytes payload, boolean truncated, boolean payload_cut, string agent,
 *   boolean first_in_flow, long capture_loss
 * long/int = zig-zag varint; bytes/string = long length, then the bytes; boolean = one byte
 * </pre>
 *
 * An encoder is not thread-safe (it reuses its buffer and string caches); use one per thread.
 */
public final class SegmentCodec {
    /** Avro single-object marker. */
    private static final byte MAGIC0 = (byte) 0xC3;
    private static final byte MAGIC1 = 0x01;
    public static final long FINGERPRINT =
            SchemaNormalization.parsingFingerprint64(dev.nfe.schema.v1.TcpSegment.getClassSchema());
    private static final byte[] HEADER = header(FINGERPRINT);
    /** IPv6 addresses and ports are bounded; a body can only be this much larger than its payload. */
    private static final int MAX_OVERHEAD = 10 * 11 + 2 * 17 + 3 + 512;

    private byte[] buf = new byte[2048];
    private int pos;
    private String lastSource;
    private byte[] lastSourceBytes;
    private String lastAgent;
    private byte[] lastAgentBytes;

    /** Header of a single-object value written with the schema of this fingerprint. */
    static byte[] header(long fingerprint) {
        byte[] h = new byte[10];
        h[0] = MAGIC0;
        h[1] = MAGIC1;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return h;
    }

    /** Encodes one segment of a file (no capture loss), keeping the first {@code keepPayload} payload bytes. */
    public byte[] encode(TcpSegment s, String agent, String source, int keepPayload, boolean firstInFlow) {
        return encode(s, agent, source, keepPayload, firstInFlow, 0);
    }

    /**
     * Encodes one segment, keeping only the first {@code keepPayload} payload bytes;
     * {@code captureLoss} is the source's running count of lost packets.
     */
    public byte[] encode(TcpSegment s, String agent, String source, int keepPayload, boolean firstInFlow,
                         long captureLoss) {
        Bytes payload = s.payload();
        int keep = Math.min(keepPayload, payload.length());
        byte[] src = bytesOf(source, true);
        byte[] ag = bytesOf(agent, false);
        ensure(HEADER.length + MAX_OVERHEAD + keep + src.length + ag.length);
        pos = 0;
        System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        pos = HEADER.length;
        writeLong(s.timestampNanos());
        writeLong(s.frame());
        writeBytes(src, 0, src.length);
        writeIp(s.src().ip());
        writeLong(s.src().port());
        writeIp(s.dst().ip());
        writeLong(s.dst().port());
        writeLong(s.seq());
        writeLong(s.ack());
        writeLong(s.flags());
        writeLong(s.window());
        writeLong(s.ttl());
        writeLong(s.ipId());
        writeLong(s.payloadLength());
        writeLong(keep);
        payload.copyTo(0, buf, pos, keep);
        pos += keep;
        buf[pos++] = (byte) (s.truncated() ? 1 : 0);
        buf[pos++] = (byte) (keep < payload.length() ? 1 : 0);
        writeBytes(ag, 0, ag.length);
        buf[pos++] = (byte) (firstInFlow ? 1 : 0);
        writeLong(captureLoss);
        return Arrays.copyOf(buf, pos);
    }

    /**
     * Decodes a value; the payload is a view of {@code value}, which must not change afterwards.
     * Every malformation is a {@link BadRecordException}, never an index error: values come from
     * a topic anyone with access can write.
     */
    public WireSegment decode(byte[] value) throws BadRecordException {
        if (value == null || value.length < HEADER.length) {
            throw new BadRecordException("not a single-object Avro value (" + (value == null ? "null" : value.length + " bytes") + ")");
        }
        if (value[0] != MAGIC0 || value[1] != MAGIC1) {
            throw new BadRecordException("no single-object Avro marker");
        }
        long fp = fingerprintOf(value);
        if (fp != FINGERPRINT) {
            throw new BadRecordException("not a TcpSegment (schema fingerprint " + Long.toHexString(fp) + ")");
        }
        Reader r = new Reader(value, HEADER.length);
        long ts = r.readLong();
        long frame = r.readLong();
        String source = r.readString(true);
        IpAddress srcIp = r.readIp();
        int srcPort = r.readPort();
        IpAddress dstIp = r.readIp();
        int dstPort = r.readPort();
        long seq = r.readUnsigned32();
        long ack = r.readUnsigned32();
        int flags = r.readIntIn(0, 0xfff, "flags");
        int window = r.readIntIn(0, 0xffff, "window");
        int ttl = r.readIntIn(0, 255, "ttl");
        int ipId = r.readIntIn(-1, 0xffff, "ip_id");
        int payloadLength = r.readIntIn(0, 0x3ffff, "payload_length");
        int payloadLen = r.readLength();
        if (payloadLen > payloadLength) {
            throw new BadRecordException("payload longer than payload_length");
        }
        Bytes payload = payloadLen == 0 ? Bytes.EMPTY : Bytes.viewOf(value, r.pos, payloadLen);
        r.pos += payloadLen;
        boolean truncated = r.readBoolean();
        boolean payloadCut = r.readBoolean();
        String agent = r.readString(false);
        boolean firstInFlow = r.readBoolean();
        long captureLoss = r.readLong();
        if (captureLoss < 0) {
            throw new BadRecordException("negative capture_loss");
        }
        if (r.pos != value.length) {
            throw new BadRecordException((value.length - r.pos) + " trailing bytes after a TcpSegment");
        }
        TcpSegment s = new TcpSegment(ts, frame, new Endpoint(srcIp, srcPort), new Endpoint(dstIp, dstPort), seq, ack,
                flags, window, ttl, ipId, payloadLength, payload, truncated);
        return new WireSegment(s, agent, source, payloadCut, firstInFlow, captureLoss);
    }

    /** The writer-schema fingerprint of a single-object value (the caller checked the length). */
    public static long fingerprintOf(byte[] value) {
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (value[2 + i] & 0xffL) << (8 * i);
        }
        return fp;
    }

    // ---- encoding ----

    private byte[] bytesOf(String s, boolean source) {
        // agents write the same two strings in every record: encode them once
        if (source) {
            if (!s.equals(lastSource)) {
                lastSource = s;
                lastSourceBytes = s.getBytes(StandardCharsets.UTF_8);
            }
            return lastSourceBytes;
        }
        if (!s.equals(lastAgent)) {
            lastAgent = s;
            lastAgentBytes = s.getBytes(StandardCharsets.UTF_8);
        }
        return lastAgentBytes;
    }

    private void ensure(int n) {
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2)];
        }
    }

    private void writeLong(long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[pos++] = (byte) z;
    }

    private void writeBytes(byte[] b, int off, int len) {
        writeLong(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    private void writeIp(IpAddress ip) {
        writeLong(ip.byteLength());
        pos += ip.writeTo(buf, pos);
    }

    // ---- decoding ----

    /** Bounds-checked reader over one value; keeps the last decoded strings to avoid new ones. */
    private final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        long readLong() throws BadRecordException {
            long raw = 0;
            int shift = 0;
            while (true) {
                if (pos >= b.length) {
                    throw new BadRecordException("truncated TcpSegment");
                }
                int x = b[pos++];
                raw |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    break;
                }
                shift += 7;
                if (shift > 63) {
                    throw new BadRecordException("varint longer than 10 bytes");
                }
            }
            return (raw >>> 1) ^ -(raw & 1);
        }

        int readIntIn(int min, int max, String what) throws BadRecordException {
            long v = readLong();
            if (v < min || v > max) {
                throw new BadRecordException(what + " out of range: " + v);
            }
            return (int) v;
        }

        long readUnsigned32() throws BadRecordException {
            long v = readLong();
            if (v < 0 || v > 0xffff_ffffL) {
                throw new BadRecordException("sequence number out of range: " + v);
            }
            return v;
        }

        int readPort() throws BadRecordException {
            return readIntIn(0, 0xffff, "port");
        }

        int readLength() throws BadRecordException {
            long n = readLong();
            if (n < 0 || n > b.length - pos) {
                throw new BadRecordException("length " + n + " runs past the end of the value");
            }
            return (int) n;
        }

        boolean readBoolean() throws BadRecordException {
            if (pos >= b.length) {
                throw new BadRecordException("truncated TcpSegment");
            }
            int v = b[pos++];
            if (v != 0 && v != 1) {
                throw new BadRecordException("boolean byte " + v);
            }
            return v == 1;
        }

        IpAddress readIp() throws BadRecordException {
            int n = readLength();
            if (n != 4 && n != 16) {
                throw new BadRecordException("IP address of " + n + " bytes");
            }
            IpAddress ip = IpAddress.of(b, pos, n);
            pos += n;
            return ip;
        }

        String readString(boolean source) throws BadRecordException {
            int n = readLength();
            String last = source ? lastSource : lastAgent;
            byte[] lastBytes = source ? lastSourceBytes : lastAgentBytes;
            if (last != null && lastBytes.length == n && Arrays.equals(lastBytes, 0, n, b, pos, pos + n)) {
                pos += n;
                return last;
            }
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            byte[] copy = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            if (source) {
                lastSource = s;
                lastSourceBytes = copy;
            } else {
                lastAgent = s;
                lastAgentBytes = copy;
            }
            return s;
        }
    }
}
