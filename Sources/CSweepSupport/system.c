#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sweep_system.h"

int sweep_open_unnamed(int directory, mode_t mode) {
    return openat(directory, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
}

int sweep_renameat2(int directory, const char *from, const char *to, unsigned int flags) {
    return (int)syscall(SYS_renameat2, directory, from, directory, to, flags);
}

int sweep_start_write_back(int descriptor) {
    return sync_file_range(descriptor, 0, 0, SYNC_FILE_RANGE_WRITE);
}

int sweep_sync_file_system(int descriptor) {
    return syncfs(descriptor);
}

long sweep_file_system_type(int descriptor) {
    struct statfs info;
    if (fstatfs(descriptor, &info) != 0) return 0;
    return (long)info.f_type;
}

void sweep_set_mmap_threshold(int bytes) {
    mallopt(M_MMAP_THRESHOLD, bytes);
}

int sweep_terminal_columns(int descriptor) {
    struct winsize size;
    if (ioctl(descriptor, TIOCGWINSZ, &size) != 0) return 0;
    return (int)size.ws_col;
}
