#pragma once
#include "common/types.h"
#include "common/machine.h"
void handle_timer_irq();
void handle_ipi();
// IPIs each CPU has taken (for the kernel's IPI self-test).
extern u32 ipi_count[PLAT_CPU_NUM];
