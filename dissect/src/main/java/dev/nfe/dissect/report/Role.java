package dev.nfe.dissect.report;

/** Which end of a connection did something. */
public enum Role {
    CLIENT, SERVER;

    public Role other() {
        return this == CLIENT ? SERVER : CLIENT;
    }

    /** "client" / "server", as the JSON contract spells it. */
    public String wireName() {
        return this == CLIENT ? "client" : "server";
    }
}
