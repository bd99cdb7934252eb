// libchcore: thin wrappers around the chemu kernel's syscalls (see uapi/syscall_num.h).
#pragma once
#include "syscall_num.h"

typedef unsigned long u64;
typedef long s64;
typedef int cap_t;

extern "C" {
long __chcore_syscall(long n, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long usys_putstr(const char* buf, u64 len);
long usys_getc();
[[noreturn]] void usys_exit(long status);
[[noreturn]] void usys_thread_exit();
long usys_yield();
long usys_create_thread(u64 pc, u64 sp, u64 arg, long affinity);
long usys_create_pmo(u64 size, u64 type);
long usys_map_pmo(long pmo_cap, u64 va, u64 perm);
long usys_unmap_pmo(long pmo_cap, u64 va);
long usys_revoke_cap(long cap);
long usys_get_cpu_id();
long usys_spawn(const char* name, long affinity);
long usys_get_exit_status(long cg_cap);
long usys_set_affinity(long thread_cap, long cpu);
long usys_get_affinity(long thread_cap);
long usys_poweroff(long status);
long usys_top();
}
