// Entry of kernel.img, at physical 0x80000, MMU off, at EL3, EL2 or EL1.
// Core 0 (MPIDR Aff0 == 0) becomes the primary and runs init_c. The others drop to EL1 and park
// until enable_smp_cores sets their secondary_boot_flag (a physical address: the MMU is still off).
#include "boot.h"

    .section .text.boot, "ax"
    .globl _start
_start:
    mrs     x8, mpidr_el1
    and     x8, x8, #0xff
    bl      arm64_elX_to_el1
    // Each core gets its own boot stack: boot_cpu_stack + (id + 1) * INIT_STACK_SIZE.
    adrp    x0, boot_cpu_stack
    add     x0, x0, :lo12:boot_cpu_stack
    add     x1, x8, #1
    mov     x2, #INIT_STACK_SIZE
    madd    x0, x1, x2, x0
    mov     sp, x0
    cbz     x8, primary
    mov     x0, x8
    bl      secondary_init_c            // never returns
    b       .
primary:
    bl      init_c                      // never returns
    b       .

// Drops from EL3 or EL2 to EL1h with all exceptions masked; returns to the caller at EL1.
// Keeps x8 (the core id). Clobbers x9, x10 (x10 holds the return address around .Lel2_setup).
    .globl arm64_elX_to_el1
arm64_elX_to_el1:
    // EL1 state every entry level needs: MMU off, FP/SIMD untrapped at EL0/EL1.
    ldr     x9, =0x30d00800             // SCTLR_EL1 RES1 bits, MMU and caches off
    msr     sctlr_el1, x9
    mov     x9, #(3 << 20)              // CPACR_EL1.FPEN = 0b11
    msr     cpacr_el1, x9
    mrs     x9, CurrentEL
    lsr     x9, x9, #2
    cmp     x9, #1
    b.eq    .Lat_el1
    cmp     x9, #2
    b.eq    .Lat_el2
    // EL3: lower levels are AArch64 and non-secure; no FP traps to EL3.
    mov     x9, #((1 << 10) | (1 << 5) | (1 << 4) | (1 << 0))   // RW, RES1, RES1, NS
    msr     scr_el3, x9
    msr     cptr_el3, xzr
    mov     x10, x30
    bl      .Lel2_setup
    mov     x30, x10
    mov     x9, #0x3c5                  // EL1h, DAIF masked
    msr     spsr_el3, x9
    msr     elr_el3, x30
    isb
    eret
.Lat_el2:
    mov     x10, x30
    bl      .Lel2_setup
    mov     x30, x10
    mov     x9, #0x3c5
    msr     spsr_el2, x9
    msr     elr_el2, x30
    isb
    eret
.Lat_el1:
    isb
    ret

// EL2 controls that let EL1 run as a plain AArch64 kernel with the physical timer.
// Called with bl from EL3 or EL2; uses x9 only, so x30 of the caller must be saved around it.
.Lel2_setup:
    mov     x9, #(1 << 31)              // HCR_EL2.RW: EL1 is AArch64
    msr     hcr_el2, x9
    mov     x9, #3                      // CNTHCTL_EL2: EL1PCTEN | EL1PCEN
    msr     cnthctl_el2, x9
    msr     cntvoff_el2, xzr
    ldr     x9, =0x33ff                 // CPTR_EL2: RES1 bits, TFP = 0
    msr     cptr_el2, x9
    mrs     x9, midr_el1
    msr     vpidr_el2, x9
    mrs     x9, mpidr_el1
    msr     vmpidr_el2, x9
    ret
    .ltorg

// start_kernel(boot_flag_pa): primary, MMU on. Switch to the high stack and call main().
    .globl start_kernel
start_kernel:
    ldr     x9, =cpu_stacks
    mov     x10, #0x4000                // KSTACK_SIZE
    add     x9, x9, x10
    mov     sp, x9
    ldr     x9, =main
    br      x9

// start_secondary_kernel(cpuid): secondary, MMU on. Switch to its high stack, call secondary_start.
    .globl start_secondary_kernel
start_secondary_kernel:
    ldr     x9, =cpu_stacks
    mov     x10, #0x4000
    add     x11, x0, #1
    madd    x9, x11, x10, x9
    mov     sp, x9
    ldr     x9, =secondary_start
    br      x9
    .ltorg
