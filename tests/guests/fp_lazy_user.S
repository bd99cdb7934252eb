// FP/SIMD side of fp_lazy, in assembly: the C code is built with -mgeneral-regs-only, so FP/SIMD
// registers are touched only here (the EL0 threads and the EL1 save/restore), never behind our back.
    .arch   armv8-a+fp+simd

// ---------------------------------------------------------------------------------------------------
// EL0 thread. On entry: x0 = thread id (unused here), x1 = yields to do, x2 = value seed,
// x3 = mask for the upper halves, x4 = its FPCR, x5 = its FPSR.
// Keeps q0..q31 = {lo = value + 16 * n, hi = lo ^ mask} and its own FPCR/FPSR across `svc #0` yields,
// checks all of them (and SP_EL0) after every yield, then moves value on by one and rewrites them, so a
// stale copy is caught as surely as another thread's. Ends with `svc #1`, x0 = errors, x1 = yields.
// Registers: x19 yields to do, x20 value, x21 mask, x22 yields done, x23 errors, x24 FPCR, x25 FPSR,
// x26 SP_EL0 at entry; x9-x11 scratch.

.macro SET n                             // qn = {value + 16n, (value + 16n) ^ mask}
    add     x9, x20, #(\n * 16)
    eor     x10, x9, x21
    fmov    d\n, x9                      // writes the low half, zeroes the upper one
    mov     v\n\().d[1], x10
.endm

.macro CHECK n                           // errors += (qn != what SET wrote)
    add     x9, x20, #(\n * 16)
    eor     x10, x9, x21
    mov     x11, v\n\().d[0]
    cmp     x11, x9
    cinc    x23, x23, ne
    mov     x11, v\n\().d[1]
    cmp     x11, x10
    cinc    x23, x23, ne
.endm

.macro CHECK_ZERO n                      // errors += (qn != 0)
    mov     x9, v\n\().d[0]
    mov     x10, v\n\().d[1]
    orr     x9, x9, x10
    cmp     x9, #0
    cinc    x23, x23, ne
.endm

#define ALL_Q 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31

    .text
    .global thread_main, fp_first_use_init, fp_first_use_yield
thread_main:
    mov     x19, x1
    mov     x20, x2
    mov     x21, x3
    mov     x24, x4
    mov     x25, x5
    mov     x22, #0
    mov     x23, #0
    mov     x26, sp
fp_first_use_init:                       // the thread's first FP access: it never owns the FP unit
    mrs     x11, fpcr                    // yet, so this traps; the kernel loads its fresh (all zero)
    cmp     x11, #0                      // context: nothing of the other thread may show through
    cinc    x23, x23, ne
    mrs     x11, fpsr
    cmp     x11, #0
    cinc    x23, x23, ne
    .irp n, ALL_Q
    CHECK_ZERO \n
    .endr
    msr     fpcr, x24
    msr     fpsr, x25
    .irp n, ALL_Q
    SET     \n
    .endr

1:  svc     #0                           // yield
fp_first_use_yield:                      // first FP access after a yield: traps iff another thread
    mrs     x11, fpcr                    // used FP/SIMD since this one last did
    cmp     x11, x24
    cinc    x23, x23, ne
    mrs     x11, fpsr
    cmp     x11, x25
    cinc    x23, x23, ne
    .irp n, ALL_Q
    CHECK   \n
    .endr
    mov     x9, sp                       // SP_EL0 is switched with the thread too
    cmp     x9, x26
    cinc    x23, x23, ne
    add     x20, x20, #1
    .irp n, ALL_Q
    SET     \n
    .endr
    add     x22, x22, #1
    cmp     x22, x19
    b.lo    1b

    mov     x0, x23
    mov     x1, x22
    svc     #1                           // exit: never returns
    udf     #0

// ---------------------------------------------------------------------------------------------------
// EL1 side. struct fp_ctx (fp_lazy.c): q0..q31 at 0 (16 bytes each), FPCR at 512, FPSR at 520.
// Called from the C trap handler with CPACR_EL1.FPEN = 0b01, so EL1 may use the registers.

    .global fp_save, fp_restore
fp_save:                                 // void fp_save(struct fp_ctx *c)
    stp     q0, q1, [x0, #0]
    stp     q2, q3, [x0, #32]
    stp     q4, q5, [x0, #64]
    stp     q6, q7, [x0, #96]
    stp     q8, q9, [x0, #128]
    stp     q10, q11, [x0, #160]
    stp     q12, q13, [x0, #192]
    stp     q14, q15, [x0, #224]
    stp     q16, q17, [x0, #256]
    stp     q18, q19, [x0, #288]
    stp     q20, q21, [x0, #320]
    stp     q22, q23, [x0, #352]
    stp     q24, q25, [x0, #384]
    stp     q26, q27, [x0, #416]
    stp     q28, q29, [x0, #448]
    stp     q30, q31, [x0, #480]
    mrs     x1, fpcr
    mrs     x2, fpsr
    str     x1, [x0, #512]               // (LDP/STP of X registers reach 504 at most)
    str     x2, [x0, #520]
    ret

fp_restore:                              // void fp_restore(const struct fp_ctx *c)
    ldp     q0, q1, [x0, #0]
    ldp     q2, q3, [x0, #32]
    ldp     q4, q5, [x0, #64]
    ldp     q6, q7, [x0, #96]
    ldp     q8, q9, [x0, #128]
    ldp     q10, q11, [x0, #160]
    ldp     q12, q13, [x0, #192]
    ldp     q14, q15, [x0, #224]
    ldp     q16, q17, [x0, #256]
    ldp     q18, q19, [x0, #288]
    ldp     q20, q21, [x0, #320]
    ldp     q22, q23, [x0, #352]
    ldp     q24, q25, [x0, #384]
    ldp     q26, q27, [x0, #416]
    ldp     q28, q29, [x0, #448]
    ldp     q30, q31, [x0, #480]
    ldr     x1, [x0, #512]
    ldr     x2, [x0, #520]
    msr     fpcr, x1
    msr     fpsr, x2
    ret

// void enter_thread(const struct thread *t): ERET into a thread's saved context
// (x0..x30 at 0, SP_EL0 at 248, ELR at 256, SPSR at 264: the head of struct thread).
    .global enter_thread
enter_thread:
    ldp     x1, x2, [x0, #248]
    msr     sp_el0, x1
    msr     elr_el1, x2
    ldr     x1, [x0, #264]
    msr     spsr_el1, x1
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #240]
    ldp     x0, x1, [x0, #0]
    eret
