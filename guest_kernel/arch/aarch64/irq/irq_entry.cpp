// C side of the exception vectors. Every handler returns the frame to resume (possibly another
// thread's); irq_entry.S then calls eret_to_thread with it.
#include "arch/aarch64/context.h"
#include "arch/aarch64/sysreg.h"
#include "common/kprint.h"
#include "common/macro.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"
#include "plat/raspi3/irq.h"
#include "sched/sched.h"
#include "syscall/syscall.h"

extern "C" char el1_vector[];

namespace {

constexpr u32 EC_UNKNOWN = 0x00, EC_SVC64 = 0x15, EC_IABT_LOWER = 0x20, EC_DABT_LOWER = 0x24;
constexpr u32 FSC_TRANSLATION = 0x04;  // 0b0001xx: translation fault at level xx

// Translation faults may be lazily mapped memory; anything else from EL0 is fatal to the process.
void do_page_fault(u64 esr, u64 far, arch_exec_ctx* ctx) {
    const u32 ec = static_cast<u32>(esr >> 26);
    const u32 fsc = esr & 0x3f;
    const bool exec = ec == EC_IABT_LOWER;
    const bool write = !exec && (esr & (1UL << 6));
    thread* t = current_thread;
    if ((fsc & 0x3c) == FSC_TRANSLATION && vmspace_handle_fault(t->vmspace, far, write, exec) == 0) return;
    kill_current_process(exec ? "bad instruction fetch" : "bad memory access", esr, far, ctx->elr);
}

bool process_is_exiting(thread* t) { return t->cap_group && t->cap_group->exiting; }

}  // namespace

void init_exception_vectors() {
    write_sysreg(vbar_el1, el1_vector);
    isb();
}

extern "C" arch_exec_ctx* handle_sync_el0(arch_exec_ctx* ctx) {
    thread* t = current_thread;
    BUG_ON(ctx != t->thread_ctx->ec);
    const u64 esr = read_sysreg(esr_el1);
    const u64 far = read_sysreg(far_el1);
    if (process_is_exiting(t)) {
        thread_exit_state(t);
        sched();
        return switch_context();
    }
    switch (esr >> 26) {
    case EC_SVC64: return handle_syscall(ctx);
    case EC_IABT_LOWER:
    case EC_DABT_LOWER: do_page_fault(esr, far, ctx); break;
    case EC_UNKNOWN: kill_current_process("undefined instruction", esr, far, ctx->elr); break;
    default: kill_current_process("unexpected exception", esr, far, ctx->elr); break;
    }
    return switch_context();
}

extern "C" arch_exec_ctx* handle_irq_el0(arch_exec_ctx* ctx) {
    thread* t = current_thread;
    BUG_ON(ctx != t->thread_ctx->ec);
    plat_handle_irq();
    // A thread of a dying process leaves at its next tick, whatever it was doing.
    if (current_thread == t && process_is_exiting(t)) {
        thread_exit_state(t);
        sched();
    }
    return switch_context();
}

// Only the idle thread runs with IRQs unmasked at EL1.
extern "C" arch_exec_ctx* handle_irq_el1(arch_exec_ctx* ctx) {
    BUG_ON(current_thread->thread_ctx->type != TYPE_IDLE);
    plat_handle_irq();
    return switch_context();
}

extern "C" arch_exec_ctx* handle_sync_el1(arch_exec_ctx* ctx) {
    printk("[PANIC] kernel exception: esr 0x%lx far 0x%lx elr 0x%lx\n", read_sysreg(esr_el1), read_sysreg(far_el1),
           ctx->elr);
    BUG("synchronous exception in the kernel");
}

extern "C" void unexpected_exception(arch_exec_ctx* ctx, u64 kind) {
    printk("[PANIC] unexpected exception kind %lu: esr 0x%lx elr 0x%lx\n", kind, read_sysreg(esr_el1), ctx->elr);
    BUG("unexpected exception vector");
}
