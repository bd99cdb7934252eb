/* Syscall numbers shared by the kernel and libchcore. svc #0 with the number in x8, arguments in
 * x0..x5, result (>= 0, or a negative errno) in x0. */
#pragma once

#define CHCORE_SYS_putstr 0          /* (const char* buf, size_t len) */
#define CHCORE_SYS_getc 1            /* () -> byte or -EAGAIN */
#define CHCORE_SYS_exit 2            /* (long status): ends the whole process */
#define CHCORE_SYS_thread_exit 3     /* () */
#define CHCORE_SYS_yield 4           /* () */
#define CHCORE_SYS_create_thread 5   /* (pc, sp, arg, affinity) -> thread cap */
#define CHCORE_SYS_create_pmo 6      /* (size, type) -> pmo cap */
#define CHCORE_SYS_map_pmo 7         /* (pmo cap, va, perm) */
#define CHCORE_SYS_unmap_pmo 8       /* (pmo cap, va) */
#define CHCORE_SYS_revoke_cap 9      /* (cap) */
#define CHCORE_SYS_get_cpu_id 10     /* () */
#define CHCORE_SYS_spawn 11          /* (const char* name, size_t len, affinity) -> cap_group cap */
#define CHCORE_SYS_get_exit_status 12 /* (cap_group cap) -> status, or -EAGAIN while it runs */
#define CHCORE_SYS_set_affinity 13   /* (thread cap or -1 for self, cpu or -1) */
#define CHCORE_SYS_get_affinity 14   /* (thread cap or -1 for self) */
#define CHCORE_SYS_poweroff 15       /* (status): root process only, ends the machine */
#define CHCORE_SYS_top 16            /* (): the kernel prints every CPU's running and ready threads (sched_top) */
/* IPC (guest_kernel/ipc/connection.cpp, uapi/ipc.h) */
#define CHCORE_SYS_register_server 20        /* (ipc_routine, register_cb thread cap, register_cb entry) */
#define CHCORE_SYS_register_client 21        /* (server main thread cap, shm pmo cap, shm va) -> connection cap */
#define CHCORE_SYS_ipc_register_cb_return 22 /* (service thread cap, shm va in the server): ends a registration */
#define CHCORE_SYS_ipc_call 23               /* (connection cap, msg va, cap count) -> the server's reply */
#define CHCORE_SYS_ipc_return 24             /* (reply, cap count): back to the client */
#define CHCORE_SYS_create_ipc_thread 25      /* (stack top, CHCORE_THREAD_TYPE_SHADOW/REGISTER) -> thread cap */
#define CHCORE_SYS_spawn_with_cap 26         /* (name, len, affinity, cap): spawn; the child gets cap in slot 3 */
#define CHCORE_SYS_get_main_thread 27        /* (cap_group cap) -> cap of its main thread */
#define CHCORE_SYS_NR 28

#define CHCORE_PMO_DATA 0
#define CHCORE_PMO_ANONYM 1
#define CHCORE_VM_READ 1
#define CHCORE_VM_WRITE 2
#define CHCORE_VM_EXEC 4
