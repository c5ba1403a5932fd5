package io.zreliable.titanic;

/** Where a record lies in the journal: its segment's number, its byte offset there, its size and its index. */
record JournalLocation(long segment, long offset, int size, long index) {
}
