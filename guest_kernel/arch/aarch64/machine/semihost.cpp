// Semihosting SYS_EXIT (0x18) with the AArch64 parameter block {ADP_Stopped_ApplicationExit, status}.
#include "arch/aarch64/machine.h"
#include "arch/aarch64/sysreg.h"

[[noreturn]] void cpu_halt() {
    arch_disable_irq();
    for (;;) wfi();
}

[[noreturn]] void semihost_exit(int status) {
    static u64 block[2];
    block[0] = 0x20026;
    block[1] = static_cast<u64>(static_cast<s64>(status));
    register u64 x0 asm("x0") = 0x18;
    register u64 x1 asm("x1") = reinterpret_cast<u64>(block);
    asm volatile("hlt #0xf000" ::"r"(x0), "r"(x1) : "memory");
    cpu_halt();
}
