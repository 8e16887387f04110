#ifndef SWEEP_CSQLITE_SHIM_H
#define SWEEP_CSQLITE_SHIM_H

// The system SQLite (Debian: libsqlite3-dev) for the ledger that `sum --update`, `check --audit`
// and `scrub` keep beside a manifest.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: binds that copy the value, so that a
// Swift array's storage need not outlive the call.
static inline int sweep_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, int count) {
    return sqlite3_bind_blob(statement, index, bytes, count, SQLITE_TRANSIENT);
}

static inline int sweep_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int count) {
    return sqlite3_bind_text(statement, index, text, count, SQLITE_TRANSIENT);
}

#endif
