// Error numbers the kernel returns (negated), as in guest_kernel/include/common/errno.h.
#pragma once

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ENOSYS 38
#define EPROTO 71
#define ECAPBILITY 200
