// The kernel's C++ entry points after the MMU is on: main() on the primary, secondary_start()
// on the others. Both end by entering the scheduler and never return.
#include "arch/aarch64/context.h"
#include "arch/aarch64/machine.h"
#include "arch/aarch64/smp.h"
#include "arch/aarch64/sysreg.h"
#include "common/kprint.h"
#include "mm/kmalloc.h"
#include "object/process.h"
#include "plat/raspi3/irq.h"
#include "plat/raspi3/uart.h"
#include "sched/sched.h"
#include "tests/tests.h"

namespace {

alignas(4096) u64 empty_l0[512];

// The boot TTBR0 maps low memory 1:1 with global entries. Once running high, give TTBR0 an empty
// table and drop this CPU's TLB, so no stale global entry can shadow a user mapping later.
void drop_identity_map() {
    write_sysreg(ttbr0_el1, ptr_to_phys(empty_l0));
    isb();
    asm volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}

[[noreturn]] void enter_scheduler() {
    sched();
    eret_to_thread(switch_context());
}

}  // namespace

alignas(16) char cpu_stacks[PLAT_CPU_NUM][KSTACK_SIZE];

extern "C" [[noreturn]] void main(paddr_t boot_flag) {
    init_per_cpu_info(0);
    drop_identity_map();
    init_exception_vectors();
    uart_init();
    kinfo("[ChCore] uart init finished\n");
    kinfo("CPU 0 is active\n");
    mm_init();
    test_mm();
    sched_init(&rr);
    test_scheduler_meta();
    test_sched_enqueue();
    test_sched_dequeue();
    plat_enable_ipi();
    const u64 t0 = read_sysreg(cntpct_el0);
    plat_timer_init();
    test_timer_init(t0);
    enable_smp_cores(boot_flag);
    test_ipi();
    create_root_thread();
    printk("End of Kernel Checkpoints: 0xDEADBEEF\n");
    enter_scheduler();
}

extern "C" [[noreturn]] void secondary_start(u64 cpuid) {
    init_per_cpu_info(cpuid);
    drop_identity_map();
    init_exception_vectors();
    kinfo("CPU %lu is active\n", cpuid);
    plat_enable_ipi();
    const u64 t0 = read_sysreg(cntpct_el0);
    plat_timer_init();
    test_timer_init(t0);
    cpu_status[cpuid] = cpu_run;
    enter_scheduler();
}
