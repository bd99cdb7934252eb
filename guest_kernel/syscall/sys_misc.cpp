// Console, CPU id, power-off.
#include "arch/aarch64/machine.h"
#include "common/errno.h"
#include "common/kprint.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"
#include "plat/raspi3/uart.h"
#include "sched/sched.h"
#include "syscall/syscalls.h"

namespace {
constexpr u64 PUTSTR_MAX = 4096;
constexpr u64 PUTSTR_CHUNK = 256;  // each chunk is written atomically (one console lock)
}  // namespace

long sys_putstr(u64 buf, u64 len) {
    if (len > PUTSTR_MAX) return -EINVAL;
    char kbuf[PUTSTR_CHUNK];
    for (u64 done = 0; done < len;) {
        const u64 n = len - done < PUTSTR_CHUNK ? len - done : PUTSTR_CHUNK;
        if (copy_from_user(kbuf, buf + done, n) != 0) return -EFAULT;
        console_write(kbuf, n);
        done += n;
    }
    return static_cast<long>(len);
}

long sys_getc() {
    int c = uart_recv_nb();
    return c < 0 ? -EAGAIN : c;
}

long sys_get_cpu_id() { return smp_get_cpu_id(); }

long sys_poweroff(u64 status) {
    if (!current_thread->cap_group->is_root) return -EPERM;
    printk("[INFO] power off requested by %s, status %ld\n", current_thread->cap_group->name, static_cast<long>(status));
    semihost_exit(static_cast<int>(status));
}
