// Syscall stubs: svc #0, number in x8, arguments in x0..x5, result in x0.
#include "chcore/syscall.h"

extern "C" long __chcore_syscall(long n, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5) {
    register long x8 asm("x8") = n;
    register u64 x0 asm("x0") = a0;
    register u64 x1 asm("x1") = a1;
    register u64 x2 asm("x2") = a2;
    register u64 x3 asm("x3") = a3;
    register u64 x4 asm("x4") = a4;
    register u64 x5 asm("x5") = a5;
    asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return static_cast<long>(x0);
}

namespace {
inline long sc(long n, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0) { return __chcore_syscall(n, a0, a1, a2, a3, 0, 0); }
}  // namespace

extern "C" {
long usys_putstr(const char* buf, u64 len) { return sc(CHCORE_SYS_putstr, reinterpret_cast<u64>(buf), len); }
long usys_getc() { return sc(CHCORE_SYS_getc); }
void usys_exit(long status) {
    sc(CHCORE_SYS_exit, static_cast<u64>(status));
    for (;;) {
    }
}
void usys_thread_exit() {
    sc(CHCORE_SYS_thread_exit);
    for (;;) {
    }
}
long usys_yield() { return sc(CHCORE_SYS_yield); }
long usys_create_thread(u64 pc, u64 sp, u64 arg, long affinity) {
    return sc(CHCORE_SYS_create_thread, pc, sp, arg, static_cast<u64>(affinity));
}
long usys_create_pmo(u64 size, u64 type) { return sc(CHCORE_SYS_create_pmo, size, type); }
long usys_map_pmo(long pmo_cap, u64 va, u64 perm) { return sc(CHCORE_SYS_map_pmo, static_cast<u64>(pmo_cap), va, perm); }
long usys_unmap_pmo(long pmo_cap, u64 va) { return sc(CHCORE_SYS_unmap_pmo, static_cast<u64>(pmo_cap), va); }
long usys_revoke_cap(long cap) { return sc(CHCORE_SYS_revoke_cap, static_cast<u64>(cap)); }
long usys_get_cpu_id() { return sc(CHCORE_SYS_get_cpu_id); }
long usys_spawn(const char* name, long affinity) {
    u64 len = 0;
    while (name[len]) ++len;
    return sc(CHCORE_SYS_spawn, reinterpret_cast<u64>(name), len, static_cast<u64>(affinity));
}
long usys_get_exit_status(long cg_cap) { return sc(CHCORE_SYS_get_exit_status, static_cast<u64>(cg_cap)); }
long usys_set_affinity(long thread_cap, long cpu) {
    return sc(CHCORE_SYS_set_affinity, static_cast<u64>(thread_cap), static_cast<u64>(cpu));
}
long usys_get_affinity(long thread_cap) { return sc(CHCORE_SYS_get_affinity, static_cast<u64>(thread_cap)); }
long usys_poweroff(long status) { return sc(CHCORE_SYS_poweroff, static_cast<u64>(status)); }
long usys_top() { return sc(CHCORE_SYS_top); }
}
