package io.zreliable.binarystar;

/** What drives the Binary Star finite-state machine: the peer's published state, or a client's request (a vote). */
public enum BstarEvent {
    /** The peer is a primary waiting for its backup (it has just started). */
    PEER_PRIMARY,
    /** The peer is a backup waiting for its primary (it has just started). */
    PEER_BACKUP,
    /** The peer is serving clients. */
    PEER_ACTIVE,
    /** The peer is standing by. */
    PEER_PASSIVE,
    /** A client sent us a request. */
    CLIENT_REQUEST
}
