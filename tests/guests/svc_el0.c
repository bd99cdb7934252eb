// svc_el0: EL1 -> EL0 -> SVC -> EL1 round trips. The EL1 handler checks the syndrome (EC 0x15 SVC from
// AArch64, imm16 0x42), ELR_EL1 (just after the SVC), SPSR_EL1 (M = EL0t), the argument, and that it runs
// on its own stack (SP_EL1) while SP_EL0 keeps the user value; it returns x0 + 1. After CALLS calls the
// user code reports its own checks with `svc #0x43` and the kernel exits from the handler.
// Exit: 0 ok, 1 wrong EC, 2 wrong imm16, 3 wrong ELR, 4 wrong SPSR, 5 wrong argument, 6 handler not on
// the EL1 stack, 7 SP_EL0 not the user stack, 8 user saw errors, 9 wrong sum, 10 wrong call count,
// 11 VBAR_EL1 readback.
#include "guest.h"

#define CALLS 1000u

extern char vectors[], user_svc_site[], user_exit_site[];
void user_main(uint64_t n);
__attribute__((noreturn)) void enter_el0(void (*fn)(uint64_t), uint64_t arg, uint64_t user_sp);

static uint64_t user_stack[512] __attribute__((aligned(16)));
#define USER_SP ((uint64_t)(uintptr_t)(user_stack + 512))

static uint32_t calls;
static uint64_t first_esr;

static void fail(uint32_t status, const char *what, uint64_t v) {
    kprintf("svc_el0: FAIL %s (0x%lx) at call %u\n", what, v, calls);
    sh_exit(status);
}

static int on_trap(struct trap_frame *f, unsigned kind) {
    if (kind != (TRAP_LOWER_A64 | TRAP_SYNC)) return 0;     // anything else: default handler
    uint64_t esr = f->esr, imm = esr & 0xffff;
    uintptr_t sp = (uintptr_t)f;                             // the frame sits on the current SP_EL1
    if (ESR_EC(esr) != 0x15) fail(1, "ESR_EL1.EC", esr);
    if ((f->spsr & 0x1f) != 0) fail(4, "SPSR_EL1.M", f->spsr);
    if (sp < (uintptr_t)__stack_base || sp >= (uintptr_t)__stack_end) fail(6, "SP_EL1", sp);
    if (f->sp_el0 != USER_SP) fail(7, "SP_EL0", f->sp_el0);
    if (imm == 0x42) {
        if (f->elr != (uintptr_t)user_svc_site + 4) fail(3, "ELR_EL1", f->elr);
        if (f->x[0] != calls) fail(5, "x0", f->x[0]);
        if (calls == 0) first_esr = esr;
        calls++;
        f->x[0] += 1;
        return 1;
    }
    if (imm != 0x43) fail(2, "ESR_EL1.ISS imm16", esr);
    if (f->elr != (uintptr_t)user_exit_site + 4) fail(3, "ELR_EL1", f->elr);
    uint64_t sum = f->x[0], errors = f->x[1], ucalls = f->x[2];
    kprintf("svc_el0: %u calls, first ESR_EL1 = 0x%lx (EC 0x15, imm16 0x42)\n", calls, first_esr);
    kprintf("svc_el0: user sum = %lu, user errors = %lu\n", sum, errors);
    if (errors) sh_exit(8);
    if (sum != (uint64_t)CALLS * (CALLS + 1) / 2) sh_exit(9);
    if (calls != CALLS || ucalls != CALLS) sh_exit(10);
    kprintf("svc_el0: PASS\n");
    sh_exit(0);
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    trap_hook = on_trap;
    write_sysreg(vbar_el1, (uintptr_t)vectors);   // start.S already did; set it here as this test's own
    isb();
    if (read_sysreg(vbar_el1) != (uintptr_t)vectors) return 11;
    kprintf("svc_el0: entering EL0 for %u system calls\n", CALLS);
    enter_el0(user_main, CALLS, USER_SP);
}
