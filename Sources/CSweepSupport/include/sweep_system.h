#ifndef SWEEP_SYSTEM_H
#define SWEEP_SYSTEM_H

#include <sys/types.h>

/// openat(directory, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode): O_TMPFILE is a macro Swift cannot import.
int sweep_open_unnamed(int directory, mode_t mode);

/// renameat2(2) within one directory; glibc's wrapper is not visible to Swift. flags: 1 = RENAME_NOREPLACE.
int sweep_renameat2(int directory, const char *from, const char *to, unsigned int flags);

/// sync_file_range(descriptor, 0, 0, SYNC_FILE_RANGE_WRITE): starts write-back of the whole file
/// without waiting (declared only under _GNU_SOURCE, which Swift's import does not set).
int sweep_start_write_back(int descriptor);

/// syncfs(descriptor): writes back and commits everything of the file system that holds the open
/// file, and reports a write-back error since the file was opened (Linux 5.8 and later).
int sweep_sync_file_system(int descriptor);

/// The file system type (statfs's f_type) of an open file, or 0 if fstatfs fails.
long sweep_file_system_type(int descriptor);

/// mallopt(M_MMAP_THRESHOLD, bytes): allocations of `bytes` or more are mapped, and given back
/// when freed; setting it also stops glibc from raising the threshold on its own.
void sweep_set_mmap_threshold(int bytes);

/// The width in columns of the terminal on `descriptor` (ioctl TIOCGWINSZ, variadic in C and so
/// not callable from Swift), or 0 when it is not a terminal or does not say.
int sweep_terminal_columns(int descriptor);

#endif
