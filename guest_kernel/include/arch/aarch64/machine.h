// Machine-level services: semihosting exit, panic.
#pragma once
#include "common/types.h"

// Ends the emulation with `status` when the emulator runs with semihosting (QEMU -semihosting,
// chemu); otherwise parks every CPU that calls it.
[[noreturn]] void semihost_exit(int status);
// Stops this CPU forever (WFI with interrupts masked).
[[noreturn]] void cpu_halt();
