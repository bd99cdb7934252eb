// Syscall handlers. Arguments are raw register values: each handler validates its own.
#pragma once
#include "common/types.h"

long sys_putstr(u64 buf, u64 len);
long sys_getc();
long sys_exit(u64 status);
long sys_thread_exit();
long sys_yield();
long sys_create_thread(u64 pc, u64 sp, u64 arg, u64 affinity);
long sys_create_pmo(u64 size, u64 type);
long sys_map_pmo(u64 pmo_cap, u64 va, u64 perm);
long sys_unmap_pmo(u64 pmo_cap, u64 va);
long sys_revoke_cap(u64 cap);
long sys_get_cpu_id();
long sys_spawn(u64 name, u64 len, u64 affinity);
long sys_get_exit_status(u64 cg_cap);
long sys_set_affinity(u64 thread_cap, u64 cpu);
long sys_get_affinity(u64 thread_cap);
long sys_poweroff(u64 status);
// syscall/sys_ipc.cpp (the connection calls themselves are in ipc/connection.h)
long sys_create_ipc_thread(u64 sp, u64 type);
long sys_spawn_with_cap(u64 name, u64 len, u64 affinity, u64 cap);
long sys_get_main_thread(u64 cg_cap);
