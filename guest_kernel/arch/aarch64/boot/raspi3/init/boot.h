// Constants shared by the MMU-off boot code (start.S, init_c.cpp, mmu.cpp).
#pragma once

#define PLAT_CPU_NUM 4
#define INIT_STACK_SIZE 0x1000
#define KBASE_ASM 0xffffff0000000000

// Spin-table release slots of the Pi firmware / QEMU stub: core N polls 0xd8 + 8 * N.
#define SPIN_TABLE_BASE 0xd8

// Bits of the BCM2836 local interrupt controller used while parked.
#define LOCAL_TIMER_CTL(core) (0x40000040UL + 4UL * (core))
#define LOCAL_TIMER_CNTPNS_IRQ 0x2
