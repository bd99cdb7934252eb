// BCM2836 local interrupt controller (0x40000000) and the per-core generic timer.
#pragma once
#include "common/types.h"

#define TICK_MS 10
#define INT_SRC_TIMER1 (1u << 1)   // CNTPNSIRQ: the EL1 physical timer (QEMU 7.2 wiring)
#define INT_SRC_MAILBOX0 (1u << 4)

void plat_timer_init();
u32 plat_timer_routing(u32 cpu);  // the core's timer interrupt control (local intc 0x40 + 4 * cpu)
void plat_handle_timer_irq();
void plat_handle_irq();
void plat_enable_ipi();
void plat_send_ipi(u32 cpu);
