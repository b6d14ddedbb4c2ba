// Linux calls that Swift's Glibc module leaves out: <sys/epoll.h> and <sys/eventfd.h> are not in
// its module map, and accept4 is declared only under _GNU_SOURCE (see shims.c).
#pragma once

#include <sys/epoll.h>
#include <sys/eventfd.h>

struct sockaddr;

/// accept4(2), compiled with _GNU_SOURCE in shims.c.
int csystem_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags);
