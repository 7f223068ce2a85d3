package dev.nfe.dissect.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The hello extensions the forensics keep (RFC 8446 section 4.2), parsed leniently: a malformed
 * extension body is an anomaly ({@code malformed_extension}), not a violation, because the
 * extension block around it was framed correctly and the rest of the hello is still good.
 */
final class Extensions {
    static final int SERVER_NAME = 0;
    static final int SUPPORTED_GROUPS = 10;
    static final int EC_POINT_FORMATS = 11;
    static final int SIGNATURE_ALGORITHMS = 13;
    static final int ALPN = 16;
    static final int SUPPORTED_VERSIONS = 43;

    private Extensions() {
    }

    /**
     * RFC 6066 section 3:
     * <pre>
     *   struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
     *   enum { host_name(0), (255) } NameType;
     *   opaque HostName&lt;1..2^16-1&gt;;
     *   struct { ServerName server_name_list&lt;1..2^16-1&gt; } ServerNameList;
     * </pre>
     * Returns the first host_name, or null.
     */
    static String serverName(Cursor c, Issues issues) {
        if (!c.has(2)) {
            issues.anomaly("malformed_extension");
            return null;
        }
        int listLength = c.u16();
        if (!c.has(listLength)) {
            issues.anomaly("malformed_extension");
            return null;
        }
        Cursor list = c.sub(listLength);
        while (list.has(3)) {
            int type = list.u8();
            int n = list.u16();
            if (!list.has(n)) {
                issues.anomaly("malformed_extension");
                return null;
            }
            if (type == 0) {
                String name = new String(list.b, list.pos, n, StandardCharsets.UTF_8);
                list.skip(n);
                return name;
            }
            list.skip(n);
        }
        return null;
    }

    /**
     * RFC 7301 section 3.1:
     * <pre>
     *   opaque ProtocolName&lt;1..2^8-1&gt;;
     *   struct { ProtocolName protocol_name_list&lt;2..2^16-1&gt; } ProtocolNameList;
     * </pre>
     */
    static List<String> alpn(Cursor c, int cap, Issues issues) {
        List<String> out = new ArrayList<>();
        if (!c.has(2)) {
            issues.anomaly("malformed_extension");
            return out;
        }
        int listLength = c.u16();
        if (!c.has(listLength)) {
            issues.anomaly("malformed_extension");
            return out;
        }
        Cursor list = c.sub(listLength);
        while (list.has(1)) {
            int n = list.u8();
            if (!list.has(n)) {
                issues.anomaly("malformed_extension");
                break;
            }
            if (out.size() >= cap) {
                issues.anomaly("list_capped");
                break;
            }
            // one char per byte: what was on the wire (JA4 looks at the bytes of the first and last char)
            out.add(new String(list.b, list.pos, n, StandardCharsets.ISO_8859_1));
            list.skip(n);
        }
        return out;
    }

    /**
     * A vector of {@code width}-byte integers with a {@code lengthBytes}-byte length prefix, e.g.
     * RFC 8446 section 4.2.1 {@code ProtocolVersion versions<2..254>} (1, 2),
     * section 4.2.7 {@code NamedGroup named_group_list<2..2^16-1>} (2, 2),
     * section 4.2.3 {@code SignatureScheme supported_signature_algorithms<2..2^16-2>} (2, 2),
     * RFC 8422 section 5.1.2 {@code ECPointFormat ec_point_format_list<1..2^8-1>} (1, 1).
     */
    static List<Integer> intVector(Cursor c, int lengthBytes, int width, int cap, Issues issues) {
        List<Integer> out = new ArrayList<>();
        if (!c.has(lengthBytes)) {
            issues.anomaly("malformed_extension");
            return out;
        }
        int n = lengthBytes == 1 ? c.u8() : c.u16();
        if (!c.has(n) || n % width != 0) {
            issues.anomaly("malformed_extension");
            if (!c.has(n)) {
                return out;
            }
        }
        Cursor v = c.sub(n);
        readInts(v, width, cap, out, issues);
        return out;
    }

    /** Receives each extension of a hello: its type, its body length and a cursor over the body. */
    @FunctionalInterface
    interface Visitor {
        void extension(int type, int length, Cursor data);
    }

    /**
     * Walks the extensions that may end a ClientHello or ServerHello (RFC 8446 section 4.2):
     * <pre>
     *   Extension extensions&lt;0..2^16-1&gt;;   struct { ExtensionType extension_type; opaque extension_data&lt;0..2^16-1&gt;; }
     * </pre>
     * Collects every type in order into {@code types} (up to {@code cap}) and hands each body to
     * {@code visitor}. A block that does not add up is anomaly {@code malformed_extensions}: the
     * extensions before the error are kept (the hello's fixed part was good). A hello may also
     * end without extensions (SSLv3, early TLS); a lone byte after the fixed part, or bytes after
     * the block, are anomaly {@code trailing_bytes}.
     */
    static void walk(Cursor c, int cap, List<Integer> types, Issues issues, Visitor visitor) {
        if (c.remaining() == 1) {
            issues.anomaly("trailing_bytes");
            return;
        }
        if (!c.has(2)) {
            return;
        }
        int extensionsLength = c.u16();
        if (!c.has(extensionsLength)) {
            issues.anomaly("malformed_extensions");
            extensionsLength = c.remaining();
        }
        Cursor block = c.sub(extensionsLength);
        while (block.remaining() > 0) {
            if (!block.has(4)) {
                issues.anomaly("malformed_extensions");
                break;
            }
            int type = block.u16();
            int n = block.u16();
            if (!block.has(n)) {
                issues.anomaly("malformed_extensions");
                break;
            }
            Cursor data = block.sub(n);
            if (types.size() < cap) {
                types.add(type);
            } else {
                issues.anomaly("list_capped");
            }
            visitor.extension(type, n, data);
        }
        if (c.remaining() > 0) {
            issues.anomaly("trailing_bytes");
        }
    }

    /** As {@link #intVector(Cursor, int, int, int, Issues)}, sharing the list through {@code lists}. */
    static List<Integer> intVector(Cursor c, int lengthBytes, int width, int cap, IntListInterner lists,
            Issues issues) {
        if (!c.has(lengthBytes)) {
            issues.anomaly("malformed_extension");
            return List.of();
        }
        int n = lengthBytes == 1 ? c.u8() : c.u16();
        if (!c.has(n) || n % width != 0) {
            issues.anomaly("malformed_extension");
            if (!c.has(n)) {
                return List.of();
            }
        }
        Cursor v = c.sub(n);
        return lists.ofRaw(v.b, v.pos, n, width, cap, issues);
    }

    /** Reads {@code width}-byte integers until fewer than {@code width} bytes remain. */
    static void readInts(Cursor v, int width, int cap, List<Integer> out, Issues issues) {
        while (v.has(width)) {
            int x = width == 1 ? v.u8() : width == 2 ? v.u16() : v.u24();
            if (out.size() >= cap) {
                issues.anomaly("list_capped");
                return;
            }
            out.add(x);
        }
    }
}
