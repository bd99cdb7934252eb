// The syscall table and dispatcher. Handlers take raw register values and check every one of
// them: caps are looked up with their expected type, user pointers go through copy_*_user.
#include "syscall/syscall.h"
#include "common/errno.h"
#include "ipc/connection.h"
#include "sched/sched.h"
#include "syscall/syscalls.h"
#include "uapi/syscall_num.h"

namespace {

using syscall_fn = long (*)(u64, u64, u64, u64, u64, u64);

struct syscall_desc {
    syscall_fn fn;
    const char* name;
};

template <long (*F)()>
long a0(u64, u64, u64, u64, u64, u64) { return F(); }
template <long (*F)(u64)>
long a1(u64 x0, u64, u64, u64, u64, u64) { return F(x0); }
template <long (*F)(u64, u64)>
long a2(u64 x0, u64 x1, u64, u64, u64, u64) { return F(x0, x1); }
template <long (*F)(u64, u64, u64)>
long a3(u64 x0, u64 x1, u64 x2, u64, u64, u64) { return F(x0, x1, x2); }
template <long (*F)(u64, u64, u64, u64)>
long a4(u64 x0, u64 x1, u64 x2, u64 x3, u64, u64) { return F(x0, x1, x2, x3); }

struct syscall_table_t {
    syscall_desc entry[CHCORE_SYS_NR];
};

// Built by index so that a number and its handler can never drift apart.
constexpr syscall_table_t make_syscall_table() {
    syscall_table_t t{};
    t.entry[CHCORE_SYS_putstr] = {a2<sys_putstr>, "putstr"};
    t.entry[CHCORE_SYS_getc] = {a0<sys_getc>, "getc"};
    t.entry[CHCORE_SYS_exit] = {a1<sys_exit>, "exit"};
    t.entry[CHCORE_SYS_thread_exit] = {a0<sys_thread_exit>, "thread_exit"};
    t.entry[CHCORE_SYS_yield] = {a0<sys_yield>, "yield"};
    t.entry[CHCORE_SYS_create_thread] = {a4<sys_create_thread>, "create_thread"};
    t.entry[CHCORE_SYS_create_pmo] = {a2<sys_create_pmo>, "create_pmo"};
    t.entry[CHCORE_SYS_map_pmo] = {a3<sys_map_pmo>, "map_pmo"};
    t.entry[CHCORE_SYS_unmap_pmo] = {a2<sys_unmap_pmo>, "unmap_pmo"};
    t.entry[CHCORE_SYS_revoke_cap] = {a1<sys_revoke_cap>, "revoke_cap"};
    t.entry[CHCORE_SYS_get_cpu_id] = {a0<sys_get_cpu_id>, "get_cpu_id"};
    t.entry[CHCORE_SYS_spawn] = {a3<sys_spawn>, "spawn"};
    t.entry[CHCORE_SYS_get_exit_status] = {a1<sys_get_exit_status>, "get_exit_status"};
    t.entry[CHCORE_SYS_set_affinity] = {a2<sys_set_affinity>, "set_affinity"};
    t.entry[CHCORE_SYS_get_affinity] = {a1<sys_get_affinity>, "get_affinity"};
    t.entry[CHCORE_SYS_poweroff] = {a1<sys_poweroff>, "poweroff"};
    t.entry[CHCORE_SYS_register_server] = {a3<sys_register_server>, "register_server"};
    t.entry[CHCORE_SYS_register_client] = {a3<sys_register_client>, "register_client"};
    t.entry[CHCORE_SYS_ipc_register_cb_return] = {a2<sys_ipc_register_cb_return>, "ipc_register_cb_return"};
    t.entry[CHCORE_SYS_ipc_call] = {a3<sys_ipc_call>, "ipc_call"};
    t.entry[CHCORE_SYS_ipc_return] = {a2<sys_ipc_return>, "ipc_return"};
    t.entry[CHCORE_SYS_create_ipc_thread] = {a2<sys_create_ipc_thread>, "create_ipc_thread"};
    t.entry[CHCORE_SYS_spawn_with_cap] = {a4<sys_spawn_with_cap>, "spawn_with_cap"};
    t.entry[CHCORE_SYS_get_main_thread] = {a1<sys_get_main_thread>, "get_main_thread"};
    t.entry[CHCORE_SYS_top] = {a0<sys_top>, "top"};
    return t;
}

constexpr syscall_table_t syscall_table = make_syscall_table();

}  // namespace

arch_exec_ctx* handle_syscall(arch_exec_ctx* ctx) {
    thread* self = current_thread;
    const u64 n = ctx->x[8];
    long ret = -ENOSYS;
    if (n < CHCORE_SYS_NR && syscall_table.entry[n].fn)
        ret = syscall_table.entry[n].fn(ctx->x[0], ctx->x[1], ctx->x[2], ctx->x[3], ctx->x[4], ctx->x[5]);
    // The syscall may have switched threads (yield, exit): the result belongs to the caller.
    self->thread_ctx->ec->x[0] = static_cast<u64>(ret);
    return switch_context();
}
