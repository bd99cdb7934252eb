// crt0 shared by all guests. Copes with every way a guest is started:
//   QEMU raspi3b -kernel X.elf    : all four cores at EL3 (chemu with an ELF: the same)
//   QEMU raspi3b -kernel X.img    : core 0 at EL2, cores 1-3 released later (at EL2) via the spin table
//                                   (chemu with a raw image: the same)
//   chemu --entry-el 1            : EL1h, MMU off, DAIF masked, SP = 0 (no EL2 vectors then)
// Records the EL each core entered at (entry_el[Aff0]), installs the EL2 vectors (el2_vectors.S) when
// it passes through EL2, drops to EL1h, enables FP, installs the common vectors, gives each core its own
// stack (by Aff0), zeroes .bss once (core 0; others wait for bss_ready) and calls runtime_entry(core).

#define STACK_SHIFT   14          // 16 KiB per core, must match link.ld
#define NCORES        4
#define BSS_WAIT      (1 << 26)   // bounded wait of secondaries for core 0's .bss zeroing
#define EXIT_BSS_WAIT 0x73

    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x0, CurrentEL
    ubfx    x0, x0, #2, #2
    mrs     x1, mpidr_el1                 // entry_el[Aff0] = x0, for the guests that check how they booted
    and     x1, x1, #0xff
    cmp     x1, #NCORES
    b.hs    1f                            // no slot: such a core parks at EL1 below anyway
    ldr     x2, =entry_el
    str     w0, [x2, x1, lsl #2]
1:  cmp     x0, #3
    b.ne    from_el2

    // EL3 -> EL2: lower ELs are AArch64 (RW) and non-secure (NS); RES1 bits 5:4; HVC on, SMC off.
    mov     x1, #((1 << 10) | (1 << 8) | (1 << 7) | (3 << 4) | 1)
    msr     scr_el3, x1
    msr     cptr_el3, xzr                 // no FP/SIMD traps to EL3
    mov     x1, #0x3c9                    // DAIF masked, EL2h
    msr     spsr_el3, x1
    adr     x1, from_el2
    msr     elr_el3, x1
    eret

from_el2:
    mrs     x0, CurrentEL
    ubfx    x0, x0, #2, #2
    cmp     x0, #2
    b.ne    at_el1

    // EL2 -> EL1: EL1 is AArch64; no traps of FP, timers or ID registers to EL2.
    mov     x1, #(1 << 31)
    msr     hcr_el2, x1
    mov     x1, #0x33ff                   // CPTR_EL2 RES1 bits, TFP = 0
    msr     cptr_el2, x1
    mrs     x1, cnthctl_el2
    orr     x1, x1, #3                    // EL1PCTEN | EL1PCEN
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mrs     x1, midr_el1                  // EL1 reads of MIDR/MPIDR come from these
    msr     vpidr_el2, x1
    mrs     x1, mpidr_el1
    msr     vmpidr_el2, x1
    ldr     x1, =el2_vectors              // exceptions taken to EL2 (HVC from EL1) have a handler
    msr     vbar_el2, x1
    mov     x1, #0x3c5                    // DAIF masked, EL1h
    msr     spsr_el2, x1
    adr     x1, at_el1
    msr     elr_el2, x1
    eret

at_el1:
    ldr     x1, =0x30d00800               // SCTLR_EL1: RES1 bits only (MMU, caches, alignment checks off)
    msr     sctlr_el1, x1
    mov     x1, #(3 << 20)                // CPACR_EL1.FPEN = 3: FP/SIMD usable at EL0 and EL1
    msr     cpacr_el1, x1
    ldr     x1, =vectors                  // catch anything unexpected (see vectors.S)
    msr     vbar_el1, x1
    isb

    mrs     x0, mpidr_el1
    and     x0, x0, #0xff                 // core id = Aff0
    cmp     x0, #NCORES
    b.hs    park

    ldr     x1, =__stack_base
    add     x2, x0, #1
    lsl     x2, x2, #STACK_SHIFT
    add     sp, x1, x2                    // top of this core's stack

    ldr     x3, =bss_ready
    cbnz    x0, wait_bss

    ldr     x1, =__bss_start              // core 0: zero .bss (8-byte aligned, aligned stores only:
    ldr     x2, =__bss_end                // with the MMU off data memory is Device)
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     w1, #1
    stlr    w1, [x3]                      // release: .bss zero is visible before the flag
    b       run

wait_bss:
    mov     x4, #BSS_WAIT
3:  ldar    w1, [x3]
    cbnz    w1, run
    subs    x4, x4, #1
    b.ne    3b
    mov     w0, #EXIT_BSS_WAIT
    b       sh_exit

run:
    mov     x29, #0
    mov     x30, #0
    bl      runtime_entry                 // x0 = core id; returns only on secondaries
    .global park
park:                                     // WFI, not WFE: WFE-parked cores slow QEMU down
    wfi
    b       park

// void sh_exit(uint32_t status): semihosting SYS_EXIT(ADP_Stopped_ApplicationExit, status).
    .global sh_exit
sh_exit:
    ldr     x1, =exit_block
    str     x0, [x1, #8]
    mov     w0, #0x18                     // SYS_EXIT
    hlt     #0xf000
    b       park                          // no semihosting: just stop

    .data
    .balign 8
    .global bss_ready
bss_ready:                                // in .data, not .bss: must not be cleared by the zeroing
    .word   0
    .balign 4
    .global entry_el
entry_el:                                 // uint32_t[NCORES]: CurrentEL.EL at _start; in .data, not
    .word   0, 0, 0, 0                    // .bss: written before core 0 zeroes .bss
    .balign 8
exit_block:
    .quad   0x20026                       // ADP_Stopped_ApplicationExit
    .quad   0
