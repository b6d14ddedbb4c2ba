// Linux calls that Swift's Glibc module leaves out: <sys/epoll.h> and <sys/eventfd.h> are not in
// its module map, and accept4 is declared only under _GNU_SOURCE (see shims.c).
#pragma once

#include <sys/epoll.h>
#include <sys/eventfd.h>

struct sockaddr;

/// accept4(2), compiled with _GNU_SOURCE in shims.c.
int csystem_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags);

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34), declared only under _GNU_SOURCE: the
/// child closes every descriptor from `from` up, whatever the parent has open.
int csystem_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// posix_spawn_file_actions_addchdir_np (glibc 2.29), declared only under _GNU_SOURCE.
int csystem_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// pthread_setname_np for the calling thread (declared only under _GNU_SOURCE): names it in
/// /proc/PID/task/*/comm, top -H and perf. The name is cut to 15 bytes.
int csystem_name_current_thread(const char *name);
