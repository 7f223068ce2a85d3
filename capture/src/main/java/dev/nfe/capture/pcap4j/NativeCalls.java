package dev.nfe.capture.pcap4j;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few C calls {@link PacketRing} needs, bound with JNA (which pcap4j brings): the libc calls
 * that set up a packet socket and its ring, and libpcap's filter compiler. Direct mapping: no
 * per-call reflection. Nothing here is called per packet.
 */
final class NativeCalls {
    private NativeCalls() {
    }

    /** libc, as in {@code man 2 socket} and friends; errors throw with errno and its text. */
    static final class Libc {
        static {
            com.sun.jna.Native.register("c");
        }

        private Libc() {
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

        static native int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

        static native int getsockopt(int fd, int level, int name, byte[] value, IntByReference length)
                throws LastErrorException;

        static native int bind(int fd, byte[] address, int length) throws LastErrorException;

        static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset)
                throws LastErrorException;

        static native int munmap(Pointer address, long length);

        static native int close(int fd);

        static native int if_nametoindex(String name);
    }

    /** libpcap's compiler, on a dead handle: {@code pcap_open_dead}, {@code pcap_compile}. */
    static final class Pcap {
        static {
            com.sun.jna.Native.register(System.getProperty("org.pcap4j.core.pcapLibName", "pcap"));
        }

        private Pcap() {
        }

        static native Pointer pcap_open_dead(int linkType, int snaplen);

        static native int pcap_compile(Pointer pcap, Pointer program, String filter, int optimize, int netmask);

        static native String pcap_geterr(Pointer pcap);

        static native void pcap_freecode(Pointer program);

        static native void pcap_close(Pointer pcap);
    }

    /** {@code struct bpf_program} / {@code struct sock_fprog} on LP64: a 16-bit or 32-bit length, then a pointer. */
    static Memory program() {
        Memory m = new Memory(16);
        m.clear();
        return m;
    }
}
