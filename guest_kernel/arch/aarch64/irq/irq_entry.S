// Exception vectors and the one return path, eret_to_thread(ctx).
// Layout of a frame: see include/arch/aarch64/context.h (800 bytes).
    .arch armv8-a+fp+simd

.macro save_gprs el
    sub     sp, sp, #800
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    .if \el == 0
    mrs     x21, sp_el0
    .else
    add     x21, sp, #800
    .endif
    stp     x30, x21, [sp, #240]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #256]
.endm

.macro save_fp
    add     x9, sp, #272
    stp     q0, q1, [x9, #32 * 0]
    stp     q2, q3, [x9, #32 * 1]
    stp     q4, q5, [x9, #32 * 2]
    stp     q6, q7, [x9, #32 * 3]
    stp     q8, q9, [x9, #32 * 4]
    stp     q10, q11, [x9, #32 * 5]
    stp     q12, q13, [x9, #32 * 6]
    stp     q14, q15, [x9, #32 * 7]
    stp     q16, q17, [x9, #32 * 8]
    stp     q18, q19, [x9, #32 * 9]
    stp     q20, q21, [x9, #32 * 10]
    stp     q22, q23, [x9, #32 * 11]
    stp     q24, q25, [x9, #32 * 12]
    stp     q26, q27, [x9, #32 * 13]
    stp     q28, q29, [x9, #32 * 14]
    stp     q30, q31, [x9, #32 * 15]
    mrs     x10, fpsr
    mrs     x11, fpcr
    add     x9, x9, #512
    stp     x10, x11, [x9]
.endm

.macro restore_fp
    add     x9, sp, #272
    ldp     q0, q1, [x9, #32 * 0]
    ldp     q2, q3, [x9, #32 * 1]
    ldp     q4, q5, [x9, #32 * 2]
    ldp     q6, q7, [x9, #32 * 3]
    ldp     q8, q9, [x9, #32 * 4]
    ldp     q10, q11, [x9, #32 * 5]
    ldp     q12, q13, [x9, #32 * 6]
    ldp     q14, q15, [x9, #32 * 7]
    ldp     q16, q17, [x9, #32 * 8]
    ldp     q18, q19, [x9, #32 * 9]
    ldp     q20, q21, [x9, #32 * 10]
    ldp     q22, q23, [x9, #32 * 11]
    ldp     q24, q25, [x9, #32 * 12]
    ldp     q26, q27, [x9, #32 * 13]
    ldp     q28, q29, [x9, #32 * 14]
    ldp     q30, q31, [x9, #32 * 15]
    add     x9, x9, #512
    ldp     x10, x11, [x9]
    msr     fpsr, x10
    msr     fpcr, x11
.endm

.macro vector_entry label
    .balign 128
    b       \label
.endm

.macro unexpected kind
    save_gprs 1
    mov     x0, sp
    mov     x1, #\kind
    bl      unexpected_exception
    b       .
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl el1_vector
el1_vector:
    vector_entry sync_el1t
    vector_entry irq_el1t
    vector_entry fiq_el1t
    vector_entry error_el1t
    vector_entry sync_el1h
    vector_entry irq_el1h
    vector_entry fiq_el1h
    vector_entry error_el1h
    vector_entry sync_el0_64
    vector_entry irq_el0_64
    vector_entry fiq_el0_64
    vector_entry error_el0_64
    vector_entry sync_el0_32
    vector_entry irq_el0_32
    vector_entry fiq_el0_32
    vector_entry error_el0_32

sync_el1t:   unexpected 0
irq_el1t:    unexpected 1
fiq_el1t:    unexpected 2
error_el1t:  unexpected 3
fiq_el1h:    unexpected 6
error_el1h:  unexpected 7
fiq_el0_64:  unexpected 10
error_el0_64: unexpected 11
sync_el0_32: unexpected 12
irq_el0_32:  unexpected 13
fiq_el0_32:  unexpected 14
error_el0_32: unexpected 15

sync_el1h:
    save_gprs 1
    mov     x0, sp
    bl      handle_sync_el1
    b       eret_to_thread

irq_el1h:
    save_gprs 1
    mov     x0, sp
    bl      handle_irq_el1
    b       eret_to_thread

sync_el0_64:
    save_gprs 0
    save_fp
    mov     x0, sp
    bl      handle_sync_el0
    b       eret_to_thread

irq_el0_64:
    save_gprs 0
    save_fp
    mov     x0, sp
    bl      handle_irq_el0
    b       eret_to_thread

// eret_to_thread(ctx): resumes the frame at ctx. Runs on the frame's own stack from here on;
// finish_switch_stack (C, on the stack below the frame) then releases the kernel stack this CPU
// was using before, if it belonged to another thread.
    .globl eret_to_thread
eret_to_thread:
    mov     sp, x0
    bl      finish_switch_stack
    ldp     x22, x23, [sp, #256]
    msr     elr_el1, x22
    msr     spsr_el1, x23
    tst     x23, #0xf
    b.ne    1f
    ldr     x21, [sp, #248]
    msr     sp_el0, x21
    restore_fp
1:
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldr     x30, [sp, #240]
    add     sp, sp, #800
    clrex
    eret
