// Negative errno values returned by syscalls and kernel functions (Linux numbering). Shared with
// user space: libchcore's chcore/errno.h includes this file.
#pragma once

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ENOSYS 38
#define EPROTO 71   // IPC: the server answered with a malformed message or registration
#define ECAPBILITY 200  // not a capability of the expected type
