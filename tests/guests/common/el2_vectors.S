// EL2 exception vector table (VBAR_EL2, installed by start.S while a core passes through EL2).
// Guests run at EL1 and below; the only exception they take to EL2 on purpose is an HVC from EL1,
// served here without a stack (SP_EL2 is never set up) and without touching memory:
//   hvc #imm  ->  x0 = CurrentEL at which the handler ran, x1 = ESR_EL2, x2 = ELR_EL2, x3 = SPSR_EL2;
//                 every other register is preserved, then ERET back to the instruction after the HVC.
// Anything else taken to EL2 ends the run with EXIT_UNEXPECTED_EL2 (guest.h): there is nothing at EL2
// that could report it more precisely, and a silent loop would only turn a bug into a timeout.

#define EXIT_UNEXPECTED_EL2 0x75
#define EC_HVC64            0x16

.macro UNEXPECTED
    .balign 0x80
    mov     w0, #EXIT_UNEXPECTED_EL2
    b       sh_exit                       // semihosting works at EL2 too; uses no stack
.endm

    .text
    .balign 2048
    .global el2_vectors
el2_vectors:
    UNEXPECTED                            // current EL with SP_EL0: sync, IRQ, FIQ, SError
    UNEXPECTED
    UNEXPECTED
    UNEXPECTED
    UNEXPECTED                            // current EL with SP_EL2
    UNEXPECTED
    UNEXPECTED
    UNEXPECTED

    .balign 0x80                          // lower EL using AArch64, synchronous
    mrs     x1, esr_el2
    lsr     x0, x1, #26
    cmp     x0, #EC_HVC64
    b.ne    1f
    mrs     x0, CurrentEL
    mrs     x2, elr_el2                   // for an HVC, already the instruction after it
    mrs     x3, spsr_el2
    eret
1:  mov     w0, #EXIT_UNEXPECTED_EL2
    b       sh_exit

    UNEXPECTED                            // lower EL using AArch64: IRQ, FIQ, SError
    UNEXPECTED
    UNEXPECTED
    UNEXPECTED                            // lower EL using AArch32 (never used: HCR_EL2.RW = 1)
    UNEXPECTED
    UNEXPECTED
    UNEXPECTED
