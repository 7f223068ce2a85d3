package dev.nfe.capture;

import java.io.IOException;

/** The input is not a pcap or pcapng file (its first bytes are no known magic number). */
public class NotACaptureException extends IOException {
    public NotACaptureException(String message) {
        super(message);
    }
}
